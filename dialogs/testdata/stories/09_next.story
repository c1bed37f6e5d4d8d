# Class 9: after "verified" the person is told where to go next: the 1922
# platform (1922.gov.tw) and what to type there.

story next-verified-zh [9] zh-TW: verified: go to 1922.gov.tw with the ID and card number
> (follow)
> tap: 檢查我的證號和卡號
> A123456789
> tap: 正確
> 000011112222
< must: 相符
< must: 1922.gov.tw
< must: 卡號

story next-verified-typed-id-zh [9] zh-TW: verified after an ID typed at the menu
> A123456789
> 是
> 0000-1111-2222
< must: 1922.gov.tw

story next-verified-en [9] en: verified: go to 1922.gov.tw
> (follow)
> tap: English
> tap: Check my ID
> A123456789
> tap: Yes
> 000011112222
< must: match
< not: don't match
< must: 1922.gov.tw
< must: card number
< lang: en

story next-verified-hint-en [9] en: verified, a Telegram user in English
> (hint en)
> (start)
> tap: Check my ID
> A123456789
> tap: Yes
> 0000 1111 2222
< must: 1922.gov.tw
< lang: en

story next-where-now-zh [9] zh-TW: after verified, asks where to register now
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 000011112222
> 那我接下來要去哪裡登記？
< must: 1922.gov.tw
< not: 找不到相符|1 小時

story next-where-now-en [9] en: after verified, asks where to register now
> English
> tap: Check my ID
> A123456789
> tap: Yes
> 000011112222
> ok so where do I register now?
< must: 1922.gov.tw
< not: couldn't find|1 hour
< lang: en

story next-record-moved-en [9] en: verified with the number on the card: the 1922 platform named
> English
> tap: Check my ID
> AC00000003
> tap: Yes
> 000033334444
< must: 1922.gov.tw
< lang: en

story next-use-new-number-zh [9] zh-TW: register with the new number: where
> 檢查我的證號和卡號
> EB00000005
> tap: 正確
> 000066667777
< must: 1922.gov.tw|1922
