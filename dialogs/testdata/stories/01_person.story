# Class 1: asking for a person. Typed requests, the menu's own button label
# typed as text, at the menu and inside the number check, where they must
# not count as an invalid number (three of them used to end the form with a
# "format error" handoff).

# --- At the menu ---

story person-menu-zhenren-zh [1] zh-TW: 我要找真人
> (follow)
> 我要找真人
< must: 1922|健保署
< not: 找不到相符
< lang: zh-TW

story person-menu-rengong-zh [1] zh-TW: 人工客服
> 人工客服
< must: 1922|健保署
< not: 找不到相符

story person-menu-callback-zh [1] zh-TW: asks for an officer to call back
> 可以請專員回電給我嗎
< must: 1922|健保署|回電
< not: 找不到相符

story person-menu-label-zh [1] zh-TW: the menu's button label typed as text
> (follow)
> 找真人協助
< choice: 1922
< not: 找不到相符

story person-menu-anyone-zh [1] zh-TW: is there a real person
> 請問有真人可以回答嗎？
< must: 1922|健保署
< not: 找不到相符

story person-menu-transfer-zh [1] zh-TW: 幫我轉接客服人員
> 幫我轉接客服人員
< must: 1922|健保署
< not: 找不到相符

story person-menu-typo-zh [1] zh-TW: a typo: 人公客服
> 人公客服
< must: 1922|健保署
< not: 找不到相符

story person-menu-impatient-zh [1] zh-TW: 機器人聽不懂啦 我要真人客服
> 機器人聽不懂啦 我要真人客服
< must: 1922|健保署
< not: 找不到相符

story person-menu-1922-zh [1] zh-TW: asks to be put through to 1922
> 請幫我轉1922
< must: 1922
< not: 找不到相符

story person-menu-human-en [1] en: I want to talk to a human
> (follow)
> I want to talk to a human
< must: 1922|NHIA
< not: couldn't find
< lang: en

story person-menu-agent-en [1] en: agent
> agent
< must: 1922|NHIA
< not: couldn't find

story person-menu-real-en [1] en: can I speak to a real person pls
> can i speak to a real person pls
< must: 1922|NHIA
< not: couldn't find

story person-menu-label-en [1] en: the English button label typed as text
> English
> Talk to a person
< choice: 1922
< not: couldn't find
< lang: en

story person-menu-customer-service-en [1] en: connect me to customer service
> Please connect me to customer service
< must: 1922|NHIA
< not: couldn't find

story person-menu-hotline-en [1] en: which hotline can I call
> is there a hotline I can call?
< must: 1922
< not: couldn't find

story person-menu-mixed [1] mixed: code-mixed request
> 可以找 real person 嗎
< must: 1922|健保署|NHIA
< not: 找不到相符|couldn't find

# --- Inside the number check ---

story person-id-step-zh [1] zh-TW: 我要找真人 where the ID is expected
> (follow)
> tap: 檢查我的證號和卡號
> 我要找真人
< must: 1922|健保署
< not: 格式|第 1 次

story person-confirm-step-zh [1] zh-TW: 人工客服 at the confirmation
> 檢查我的證號和卡號
> A123456789
> 人工客服
< must: 1922|健保署
< not: 格式|第 1 次

story person-card-step-zh [1] zh-TW: 人工客服 where the card number is expected
> (follow)
> tap: 檢查我的證號和卡號
> A123456789
> tap: 正確
> 人工客服
< must: 1922|健保署
< not: 格式|第 1 次

story person-card-step-three-zh [1] zh-TW: three requests at the card step never make a format-error handoff
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 找真人
< must: 1922|健保署
< not: 格式|第 1 次|找不到相符
> 我要真人
< must: 1922|健保署
< not: 格式|第 2 次|找不到相符
> 真人客服！！
< must: 1922|健保署
< not: 格式|已經輸入錯誤|找不到相符
> tap: 1922
< handoff: 1922
< not: 格式錯誤

story person-card-step-callback-zh [1] zh-TW: can an officer call me, at the card step
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 可以請專員回電給我嗎
< must: 1922|健保署|回電
< not: 格式|第 1 次

story person-id-step-en [1] en: I want to talk to a human where the ID is expected
> (follow)
> tap: English
> tap: Check my ID
> I want to talk to a human
< must: 1922|NHIA
< not: try 1 of|check digit
< lang: en

story person-confirm-step-en [1] en: can I talk to someone, at the confirmation
> English
> tap: Check my ID
> A123456789
> can I talk to someone?
< must: 1922|NHIA
< not: try 1 of
< lang: en

story person-card-step-en [1] en: agent, where the card number is expected
> English
> tap: Check my ID
> A123456789
> tap: Yes
> agent
< must: 1922|NHIA
< not: try 1 of|digits
< lang: en

story person-card-step-three-en [1] en: three requests for a human at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> human
< must: 1922|NHIA
< not: try 1 of|couldn't find
> HUMAN!!
< must: 1922|NHIA
< not: try 2 of|couldn't find
> real person please
< must: 1922|NHIA
< not: rejected as invalid|invalid entries|couldn't find
> tap: 1922
< handoff: 1922
< not: rejected as invalid
< lang: en

story person-card-step-label-en [1] en: the menu's label typed at the card step
> English
> tap: Check my ID
> A123456789
> tap: Yes
> Talk to a person
< choice: 1922
< not: try 1 of
< lang: en
