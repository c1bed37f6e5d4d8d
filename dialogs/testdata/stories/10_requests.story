# Requests recognised at every step, in both languages, with typos and
# variants: cancel (算了, 不要了, never mind), menu, language, "I have no
# card" (the QA 4 route), "I can't read my card number" (QA 2). A button's
# label typed as text acts like the button. Numbered by where they go
# wrong: the form steps are class 2.

story req-cancel-suanle-zh [2] zh-TW: 算了 at the card step cancels
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 算了
< must: 已取消|清除|不檢查了
< not: 第 1 次|格式
< handoff: none
> 卡號在哪裡
< must: 左下

story req-cancel-buyaole-zh [2] zh-TW: 不要了 at the ID step cancels
> 檢查我的證號和卡號
> 不要了
< must: 已取消|清除|不檢查了
< not: 第 1 次|格式

story req-cancel-typo-zh [2] zh-TW: a typo, 取銷, at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 取銷
< must: 已取消|清除|不檢查了
< not: 第 1 次|格式

story req-cancel-label-zh [2] zh-TW: 取消 typed at the confirmation
> 檢查我的證號和卡號
> A123456789
> 取消
< must: 已取消|清除|不檢查了
< not: A12*****89

story req-cancel-nevermind-en [2] en: never mind at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> never mind
< must: cancelled|canceled|cleared|stopped the check
< not: try 1 of
< handoff: none
< lang: en

story req-cancel-nvm-en [2] en: nvm at the confirmation
> English
> tap: Check my ID
> A123456789
> nvm
< must: cancelled|canceled|cleared|stopped the check
< lang: en

story req-cancel-typo-en [2] en: cancle (a typo) at the ID step
> English
> tap: Check my ID
> cancle
< must: cancelled|canceled|cleared|stopped the check
< not: try 1 of

story req-cancel-forget-it-en [2] en: forget it at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> forget it
< must: cancelled|canceled|cleared|stopped the check
< not: try 1 of

story req-menu-zh [2] zh-TW: 回主選單 at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 回主選單
< choice: 找真人協助
< not: 第 1 次|格式

story req-menu-label-zh [2] zh-TW: the 主選單 label typed at the ID step
> 檢查我的證號和卡號
> 主選單
< choice: 找真人協助
< not: 第 1 次|格式

story req-menu-en [2] en: main menu at the ID step
> English
> tap: Check my ID
> main menu
< choice: Talk to a person
< not: try 1 of
< lang: en

story req-menu-pls-en [2] en: menu pls at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> menu pls
< choice: Talk to a person
< not: try 1 of

story req-lang-card-step-zh [2] zh-TW: English at the card step switches and the form goes on
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> English
< lang: en
< not: 第 1 次|try 1 of
> 000011112222
< must: match
< not: don't match
< lang: en

story req-lang-id-step-en [2] en: 中文 at the ID step switches and the form goes on
> English
> tap: Check my ID
> 中文
< lang: zh-TW
> A123456789
< must: A12*****89
< lang: zh-TW

story req-lang-sentence-en [2] en: can you speak English, in a Chinese session at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> can you speak english?
< lang: en
< not: 第 1 次|try 1 of
> 000011112222
< must: match
< not: don't match

story req-lang-label-zh [0] zh-TW: the English button label typed at the menu
> (follow)
> English
< lang: en
< choice: Talk to a person

story req-nocard-id-step-zh [2] zh-TW: 我沒有健保卡 at the ID step
> 檢查我的證號和卡號
> 我沒有健保卡
< must: 地方政府|縣市
< not: 第 1 次|格式

story req-nocard-card-step-en [2] en: i dont have a card, at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> i dont have a card
< must: local government|city or county
< not: try 1 of
< lang: en

story req-nocard-label-en [2] en: the button label typed at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> I have no NHI card
< must: local government|city or county
< not: try 1 of

story req-unreadable-card-step-zh [2] zh-TW: 我看不到卡號 at the card step, then the number
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 我看不到卡號
< must: 健保卡狀況及領卡紀錄|讀卡機
< not: 第 1 次|格式
> 000011112222
< must: 相符

story req-unreadable-card-step-en [2] en: I can't read my card number, at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> I can't read my card number
< must: card reader|NHI card status
< not: try 1 of
> 000011112222
< must: match
< not: don't match

story req-reenter-label-zh [2] zh-TW: 重新輸入 typed at the confirmation asks for the ID again
> 檢查我的證號和卡號
> A123456788
< reply
> A123456789
> 重新輸入
< must: 身分證號|居留證號
> B222222228
< must: B22*****28

story req-person-county-step-en [1] en: agent at the county question
> English
> tap: Talk to a person
> tap: local government
> agent
< must: 1922|NHIA
< not: don't recognise

story req-menu-county-step-zh [2] zh-TW: 選單 at the county question
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 選單
< choice: 找真人協助
< not: 不認得

story req-cancel-county-step-zh [2] zh-TW: 算了 at the county question
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 算了
< not: 不認得
< handoff: none
< choice: 找真人協助|主選單

story req-cancel-phone-step-zh [2] zh-TW: 算了不用了 where the call-back number is expected
> (follow)
> tap: 找真人協助
> tap: 1922
> tap: 回電
> tap: 同意
> 算了不用了
< must: 沒有留下|不會回電|已取消
< not: 09 開頭

story req-cancel-phone-step-en [2] en: never mind where the call-back number is expected
> English
> tap: Talk to a person
> tap: 1922
> tap: call me back
> tap: Yes
> never mind
< must: no number kept|not kept|cancelled|canceled|won't call|will not call
< not: starting with 09
< lang: en
