# Class 6: one message with several facts. An ID and a card number together
# (the card number must not be lost); a county named in the first message
# (not asked again); old county names (台中縣, 台南縣, 高雄縣, 桃園縣)
# recognised; 新竹 and 嘉義, city or county, asked rather than refused.

story facts-id-card-menu-zh [6] zh-TW: ID and card number in one message at the menu
> (follow)
> 我的身分證 A123456789 健保卡號 000011112222
< must: A12*****89
> tap: 正確
< must: 相符
< not: 請輸入健保卡卡號

story facts-id-card-menu-en [6] en: ID and card number in one sentence
> my id is a123456789 and card number 0000 1111 2222
< must: A12*****89
> tap: Yes|正確
< must: match|相符
< not: type your NHI card number|請輸入健保卡卡號

story facts-id-card-id-step-zh [6] zh-TW: both numbers at the ID step
> 檢查我的證號和卡號
> A123456789 000011112222
< must: A12*****89
< not: 第 1 次
> tap: 正確
< must: 相符

story facts-id-card-id-step-en [6] en: both numbers at the ID step, with labels
> English
> tap: Check my ID
> ID A123456789, card 000011112222
< must: A12*****89
< not: try 1 of
> tap: Yes
< must: match
< not: don't match
< not: type your NHI card number

story facts-card-then-id-zh [6] zh-TW: card number first, then the ID, in one message
> 卡號000011112222 身分證A123456789
< must: A12*****89
> tap: 正確
< must: 相符

story facts-fullwidth-zh [6] zh-TW: full-width ID and a dashed card number in one message
> 身分證Ａ１２３４５６７８９，卡號0000-1111-2222
< must: A12*****89
> tap: 正確
< must: 相符

story facts-duplicate-one-message-zh [6, 8] zh-TW: the duplicate-ID pair in one message
> C123456781，卡號000077778888
< must: C12*****81
> tap: 正確
< must: 其他(健保署)
< handoff: none

story facts-card-sentence-zh [6] zh-TW: the card number inside a sentence at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 我的卡號是 0000 1111 2222 謝謝
< must: 相符
< not: 第 1 次

story facts-county-first-zh [6] zh-TW: 我住台中 in the first message is not asked again
> 我住台中，沒有健保卡，要怎麼登記疫苗？
< must: 地方政府|臺中|台中
> tap: 地方政府|臺中|台中
< not: 哪個縣市|請從清單
< must: 臺中|台中

story facts-county-first-en [6] en: I live in Kaohsiung, no card
> I live in Kaohsiung and I don't have an NHI card. How do I register for the vaccine?
< must: local government|Kaohsiung
> tap: local government|Kaohsiung
< not: Which city or county
< must: Kaohsiung

story facts-county-person-zh [1, 6] zh-TW: 我在台南 沒有健保卡 想找人幫忙登記
> 我在台南，沒有健保卡，想找人幫我登記
< must: 地方政府|臺南|台南
< not: 找不到相符
> tap: 地方政府|臺南|台南
< not: 哪個縣市|請從清單
< must: 臺南|台南

story facts-old-county-taichung-zh [6] zh-TW: 台中縣 typed at the county question
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 台中縣
< must: 臺中|台中
< not: 不認得

story facts-old-county-tainan-zh [6] zh-TW: 台南縣 typed at the county question
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 台南縣
< must: 臺南|台南
< not: 不認得

story facts-old-county-kaohsiung-zh [6] zh-TW: 高雄縣 typed at the county question
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 我住高雄縣
< must: 高雄
< not: 不認得

story facts-old-county-taoyuan-en [6] en: Taoyuan County, the old name, in English
> English
> tap: Talk to a person
> tap: local government
> Taoyuan County
< must: Taoyuan
< not: don't recognise
< lang: en

story facts-hsinchu-ambiguous-zh [6] zh-TW: 新竹 is asked, not refused
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 新竹
< not: 不認得
< handoff: none
< choice: 新竹市
< choice: 新竹縣

story facts-chiayi-ambiguous-en [6] en: Chiayi is asked, not refused
> English
> tap: Talk to a person
> tap: local government
> Chiayi
< not: don't recognise
< handoff: none
< choice: Chiayi City
< choice: Chiayi County

story facts-chiayi-ambiguous-zh [6] zh-TW: 嘉義 typed, then 嘉義市 tapped
> (follow)
> tap: 找真人協助
> tap: 地方政府
> 嘉義
< not: 不認得
< handoff: none
> tap: 嘉義市
< handoff: 1922|county
< must: 嘉義市
