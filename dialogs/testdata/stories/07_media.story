# Class 7: stickers, photos, voice messages and locations (the channel sends
# (unsupported)). Wanted: a short reply in the session's language saying
# what the bot can read, with the menu; a form in progress waits.

story media-sticker-menu-zh [7] zh-TW: a sticker at the menu
> (follow)
> (unsupported)
< must: 文字
< choice: 找真人協助
< lang: zh-TW
< handoff: none

story media-sticker-first-zh [7] zh-TW: a sticker as the very first message
> (unsupported)
< must: 文字
< choice: 找真人協助|主選單
< lang: zh-TW

story media-photo-twice-zh [7] zh-TW: two photos in a row: no miss counted, no handoff
> (follow)
> (unsupported)
> (unsupported)
< must: 文字
< not: 找不到相符|還是找不到
< handoff: none

story media-photo-card-step-zh [7] zh-TW: a photo of the card at the card step; the form waits
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> (unsupported)
< must: 文字
< not: 第 1 次|格式
< lang: zh-TW
> 000011112222
< must: 相符

story media-photo-confirm-step-zh [7] zh-TW: a photo at the confirmation; the buttons still work
> 檢查我的證號和卡號
> A123456789
> (unsupported)
< must: 文字
> tap: 正確
> 000011112222
< must: 相符

story media-sticker-menu-en [7] en: a sticker in an English session
> (follow)
> tap: English
> (unsupported)
< must: text
< choice: Talk to a person
< lang: en

story media-hint-en [7] en: a Telegram user in English sends a photo first
> (hint en)
> (unsupported)
< must: text
< lang: en

story media-voice-after-question-en [7] en: a voice message after an English question keeps English
> where is my card number?
< lang: en
> (unsupported)
< must: text
< lang: en

story media-location-id-step-en [7] en: a location at the ID step; the form waits
> English
> tap: Check my ID
> (unsupported)
< must: text
< not: try 1 of
< lang: en
> A123456789
< must: A12*****89

story media-photo-card-step-en [7] en: a photo at the card step, then the number
> English
> tap: Check my ID
> A123456789
> tap: Yes
> (unsupported)
< must: text
< not: try 1 of
< lang: en
> 000011112222
< must: match
< not: don't match
