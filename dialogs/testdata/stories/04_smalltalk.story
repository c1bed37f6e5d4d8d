# Class 4: small talk. Thanks, ok, bye get a short answer in the session's
# language: never "no matching question", never counted toward a handoff,
# never a language switch (a Latin "ok" or "3Q" in a Chinese session).

story small-thanks-zh [4] zh-TW: 謝謝 after an answer
> 健保卡卡號在哪裡
< must: 左下
> 謝謝
< not: 找不到相符|還是找不到
< lang: zh-TW
< handoff: none

story small-3q-zh [4] zh-TW: 3Q keeps Chinese
> 健保卡卡號在哪裡
> 3Q
< not: 找不到相符|couldn't find
< lang: zh-TW

story small-ok-zh [4] zh-TW: a Latin ok in a Chinese session
> 剛辦好的健保卡多久可以用
< must: 1 小時
> ok
< not: 找不到相符|couldn't find
< lang: zh-TW

story small-ok-then-question-zh [4] zh-TW: after ok, the next answer is still Chinese
> 剛辦好的健保卡多久可以用
> OK
< lang: zh-TW
> 卡號在哪裡
< must: 左下
< lang: zh-TW

story small-bye-zh [4] zh-TW: bye in a Chinese session
> (follow)
> 卡號看不清楚怎麼查
> bye
< not: 找不到相符|couldn't find
< lang: zh-TW

story small-baibai-zh [4] zh-TW: 掰掰
> (follow)
> 掰掰
< not: 找不到相符
< lang: zh-TW
< handoff: none

story small-thanks-twice-zh [4] zh-TW: thanks twice does not count as two misses
> (follow)
> 謝謝
< not: 找不到相符
> 感謝你喔
< not: 找不到相符|還是找不到|要不要請真人
> 明天天氣如何
< not: 還是找不到|要不要請真人

story small-haode-zh [4] zh-TW: 好的 謝謝你
> 沒有健保卡怎麼登記
> 好的 謝謝你
< not: 找不到相符
< lang: zh-TW

story small-xiela-zh [4] zh-TW: 謝啦 and an emoji
> (follow)
> 謝啦🙏
< not: 找不到相符
< lang: zh-TW

story small-ok-emoji-zh [4] zh-TW: OK👌 at the menu
> (follow)
> OK👌
< not: 找不到相符|couldn't find
< lang: zh-TW

story small-ok-card-step-zh [2, 4] zh-TW: ok at the card step costs no attempt, and the check still completes
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> ok
< not: 格式|第 1 次|couldn't find
< lang: zh-TW
> 000011112222
< must: 相符

story small-thanks-after-verified-zh [4] zh-TW: 謝謝 after a verified check
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 000011112222
> 謝謝！
< not: 找不到相符
< lang: zh-TW

story small-ok-thanks-mixed [4] mixed: ok 謝謝 in a Chinese session
> 健保卡卡號在哪裡
> ok 謝謝
< not: 找不到相符|couldn't find
< lang: zh-TW

story small-thanks-en [4] en: thanks! after an answer
> where is my NHI card number
< must: lower left
> thanks!
< not: couldn't find|can't find
< lang: en
< handoff: none

story small-thank-you-en [4] en: thank you so much
> English
> thank you so much
< not: couldn't find|can't find
< lang: en

story small-ok-en [4] en: ok after an English answer
> I just got my new NHI card, when can I register?
< must: 1 hour
> ok
< not: couldn't find|can't find
< lang: en

story small-bye-en [4] en: bye
> English
> bye
< not: couldn't find|can't find
< lang: en

story small-thx-en [4] en: thx
> where is the card number
> thx
< not: couldn't find|can't find
< lang: en

story small-got-it-en [4] en: cool got it
> my card number is unreadable
> cool, got it
< not: couldn't find|can't find
< lang: en

story small-thanks-twice-en [4] en: thanks twice then an off-topic question is only the first miss
> English
> thanks
> thank you!!
< not: still can't find
> what's the weather tomorrow
< not: still can't find

story small-thanks-id-step-en [2, 4] en: thanks at the ID step costs no attempt
> English
> tap: Check my ID
> thanks
< not: try 1 of
< lang: en
> A123456789
< must: A12*****89
