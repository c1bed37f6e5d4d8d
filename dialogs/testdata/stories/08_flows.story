# Class 8: the QA's own flows.
# Duplicate ID (QA 7): no 1922 ticket at once. First a replacement card,
# reason 「其他(健保署)」, free; retry one hour after it is made (NHI app, or
# ID + birthday + card number); only if it still fails, 1922, offered as
# "I have already replaced my card and it still fails".
# Record on the new number, card still old, the new number typed (demo:
# A800000014 + 000044445555): QA 8, not "the NHIA does not have your new
# number" (QA 5): register and book on the 1922 platform; the NHI app will
# not work until the card is replaced (by the end of August 2021).

story flow-duplicate-no-ticket-zh [8] zh-TW: duplicate ID: replace the card first, no handoff yet
> (follow)
> tap: 檢查我的證號和卡號
> C123456781
> tap: 正確
> 000077778888
< must: 其他(健保署)
< must: 免
< handoff: none
< not: 案件編號

story flow-duplicate-steps-zh [8] zh-TW: duplicate ID: one hour after the new card, app or ID + birthday + card
> 檢查我的證號和卡號
> C123456781
> tap: 正確
> 0000 7777 8888
< must: 1 小時
< must: 生日
< handoff: none

story flow-duplicate-still-fails-zh [8] zh-TW: duplicate ID: the "already replaced, still fails" choice goes to 1922
> 檢查我的證號和卡號
> C123456781
> tap: 正確
> 000077778888
< choice: 已經換|已換
< handoff: none
> tap: 已經換|已換
< handoff: 1922
< must: 1922

story flow-duplicate-typed-still-fails-zh [1, 8] zh-TW: duplicate ID: the same said in words
> 檢查我的證號和卡號
> C123456781
> tap: 正確
> 000077778888
< handoff: none
> 我已經換過卡了還是不行
< must: 1922
< not: 找不到相符

story flow-duplicate-no-ticket-en [8] en: duplicate ID in English: replace the card first
> (follow)
> tap: English
> tap: Check my ID
> C123456781
> tap: Yes
> 000077778888
< must: 其他(健保署)|Other (NHIA)
< must: free
< handoff: none
< not: Your reference
< lang: en

story flow-duplicate-steps-en [8] en: duplicate ID: one hour, the app or ID + date of birth + card
> English
> tap: Check my ID
> C123456781
> tap: Yes
> 000077778888
< must: 1 hour
< must: birth*
< handoff: none

story flow-duplicate-still-fails-en [8] en: duplicate ID: "I have already replaced my card" goes to 1922
> English
> tap: Check my ID
> C123456781
> tap: Yes
> 000077778888
< choice: already replaced|replaced my card
> tap: already replaced|replaced my card
< handoff: 1922
< must: 1922
< lang: en

story flow-new-number-old-card-zh [8] zh-TW: new number typed, record on it, card still old: QA 8, not QA 5
> (follow)
> tap: 檢查我的證號和卡號
> A800000014
> tap: 正確
> 000044445555
< not: 還沒有您的新居留證號|還沒有您的新
< must: 1922
< must: 8 月底|8月底|換發|換卡
< handoff: none

story flow-new-number-old-card-platform-zh [8] zh-TW: QA 8: the 1922 platform and the app that will not work
> 檢查我的證號和卡號
> A800000014
> tap: 正確
> 0000 4444 5555
< must: 1922.gov.tw
< must: APP
< not: 還沒有您的新

story flow-new-number-old-card-en [8] en: new number typed, record on it, card still old, in English
> (follow)
> tap: English
> tap: Check my ID
> A800000014
> tap: Yes
> 000044445555
< not: does not have your new
< must: 1922
< must: end of August|replace*
< handoff: none
< lang: en

story flow-new-number-old-card-app-en [8] en: QA 8: the NHI app will not work until the card is replaced
> English
> tap: Check my ID
> A800000014
> tap: Yes
> 000044445555
< must: 1922.gov.tw
< must: app
< not: does not have your new

story flow-qa5-still-qa5-zh [8] zh-TW: a new number the NHIA really does not know is still QA 5
> 檢查我的證號和卡號
> D800000008
> tap: 正確
> 000055556666
< must: 健保卡上
< not: 8 月底

story flow-qa5-still-qa5-en [8] en: a new number the NHIA really does not know is still QA 5, in English
> English
> tap: Check my ID
> D800000008
> tap: Yes
> 000055556666
< must: printed on|on your NHI card
< not: end of August
< lang: en
