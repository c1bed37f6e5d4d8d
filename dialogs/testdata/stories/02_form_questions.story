# Class 2: a question typed where a number is expected is answered (a QA
# answer or a referral), costs no attempt, and the form goes on: a valid
# number afterwards still completes the check.

story form-card-where-zh [2] zh-TW: 卡號在哪裡啊 at the card step
> (follow)
> tap: 檢查我的證號和卡號
> A123456789
> tap: 正確
> 卡號在哪裡啊
< must: 左下
< not: 格式|第 1 次
< handoff: none
> 0000 1111 2222
< must: 相符
< handoff: none

story form-card-nocard-label-zh [2] zh-TW: the button label 我沒有健保卡 typed at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 我沒有健保卡
< must: 地方政府|縣市
< not: 格式|第 1 次

story form-card-unreadable-zh [2] zh-TW: 卡號看不清楚怎麼辦 at the card step, then the number
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 卡號看不清楚怎麼辦
< must: 健保卡狀況及領卡紀錄|讀卡機
< not: 格式|第 1 次
> 000011112222
< must: 相符

story form-card-is-it-front-zh [2] zh-TW: 是正面那12個數字嗎 at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 是卡片正面那12個數字嗎？
< must: 左下|正面
< not: 格式|第 1 次
> 000011112222
< must: 相符

story form-card-new-card-zh [2] zh-TW: asks about a new card at the card step
> 檢查我的證號和卡號
> B222222228
> tap: 正確
> 我這張是昨天剛換的新卡，可以用嗎
< must: 1 小時
< not: 格式|第 1 次
> 000022223333
< must: 1 小時
< must: 09:40

story form-card-questions-cost-nothing-zh [2] zh-TW: two wrong numbers and a question, then the right number still works
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 1234
< must: 第 1 次|12
> 00001111222
< must: 第 2 次|12
> 請問卡號在哪裡
< must: 左下
< not: 已經輸入錯誤|格式錯誤
< handoff: none
> 000011112222
< must: 相符

story form-card-two-questions-zh [2] zh-TW: one wrong number, two questions, then the number
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 12345
> 卡號是哪一個
< not: 第 2 次
> 是左下角那個嗎
< not: 第 2 次|第 3 次|已經輸入錯誤
< handoff: none
> 0000 1111 2222
< must: 相符

story form-id-which-number-zh [2] zh-TW: at the ID step, a foreign resident asks which number to use
> 檢查我的證號和卡號
> 外籍人士要輸入新的還是舊的居留證號？
< must: 健保卡上
< not: 第 1 次|格式
> A123456789
< must: A12*****89

story form-id-where-zh [2] zh-TW: at the ID step, 身分證號碼在哪裡看
> 檢查我的證號和卡號
> 健保卡上面有身分證號嗎 要看哪裡
< reply
< not: 第 1 次|格式
> A123456789
< must: A12*****89

story form-card-where-en [2] en: where is the card number, at the card step
> (follow)
> tap: English
> tap: Check my ID
> A123456789
> tap: Yes
> where is the card number?
< must: lower left
< not: try 1 of|digits only
< handoff: none
< lang: en
> 000011112222
< must: match
< not: don't match

story form-card-nocard-en [2] en: I don't have an NHI card, typed at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> I don't have an NHI card
< must: local government|city or county
< not: try 1 of
< lang: en

story form-card-unreadable-en [2] en: the number is worn out, at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> the number is worn out, i can't read it
< must: card reader|NHI card status
< not: try 1 of
> 0000 1111 2222
< must: match
< not: don't match

story form-card-is-it-12-en [2] en: is it the 12 digits on the front
> English
> tap: Check my ID
> A123456789
> tap: Yes
> is it the 12 digits on the front?
< must: lower left|front
< not: try 1 of
> 000011112222
< must: match
< not: don't match

story form-card-new-card-en [2] en: my card was issued this morning, at the card step
> English
> tap: Check my ID
> B222222228
> tap: Yes
> my card was only issued this morning, will it work?
< must: 1 hour
< not: try 1 of
> 000022223333
< must: 09:40

story form-card-questions-cost-nothing-en [2] en: two wrong numbers and a question, then the right number
> English
> tap: Check my ID
> A123456789
> tap: Yes
> 1234
< must: try 1 of|12 digits
> 00001111222
< must: try 2 of|12 digits
> sorry where do I find the card number?
< must: lower left
< not: invalid entries|rejected as invalid
< handoff: none
> 000011112222
< must: match
< not: don't match

story form-id-which-number-en [2] en: should I use my new ARC number or the old one, at the ID step
> English
> tap: Check my ID
> should I use my new ARC number or the old one?
< must: printed on|on your NHI card
< not: try 1 of
< lang: en
> A123456789
< must: A12*****89

story form-id-what-en [2] en: what number do you mean, at the ID step
> English
> tap: Check my ID
> what number do you mean? passport?
< reply
< not: try 1 of
< lang: en
> A123456789
< must: A12*****89

story form-card-where-mixed [2] mixed: 卡號 where? at the card step of a Chinese session
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 卡號 where?
< must: 左下|lower left
< not: 第 1 次|try 1 of
> 000011112222
< must: 相符|match
