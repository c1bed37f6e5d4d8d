# Class 3: questions next to the QA's subject that the QA does not answer.
# Wanted: a safe referral (1922, 1922.gov.tw, the NHIA line, the National
# Immigration Agency), never a QA answer that does not fit. The "not" lines
# name the facts of the QA items these questions get mistaken for.

story near-second-dose-zh [3] zh-TW: second-dose timing
> 第二劑要隔多久才能打？
< must: 1922
< not: 1 小時|左下|其他(健保署)

story near-second-dose-en [3] en: second-dose timing
> how long do I have to wait between the first and second dose?
< must: 1922
< not: 1 hour|lower left|其他(健保署)

story near-brand-zh [3] zh-TW: choosing a vaccine brand
> 可以指定打莫德納還是AZ嗎
< must: 1922
< not: 1 小時|左下|健保卡上

story near-brand-en [3] en: choosing a vaccine brand
> Can I choose Pfizer or Moderna, or do I get AZ?
< must: 1922
< not: 1 hour|lower left|printed on

story near-where-zh [3] zh-TW: where to get vaccinated
> 我要去哪裡打疫苗？附近有診所可以打嗎
< must: 1922
< not: 超商|左下|1 小時

story near-where-en [3] en: where to get vaccinated
> where can I get the vaccine near me?
< must: 1922
< not: convenience store|lower left|1 hour

story near-free-foreigner-zh [3] zh-TW: is the vaccine free for foreigners
> 外國人在台灣打疫苗要自費嗎？
< must: 1922
< not: 其他(健保署)|免工本費|健保卡上

story near-free-foreigner-en [3] en: is the vaccine free for foreigners
> Is the covid vaccine free for foreigners living in Taiwan?
< must: 1922
< not: 其他(健保署)|Other (NHIA)|printed on

story near-register-at-all-zh [3] zh-TW: how to register at all
> 請問疫苗要去哪裡登記？網址是什麼
< must: 1922.gov.tw|1922
< not: 1 小時|左下|其他(健保署)

story near-register-at-all-en [3] en: how to register at all
> how do I register for the covid vaccine? what's the website?
< must: 1922.gov.tw|1922
< not: 1 hour|lower left|其他(健保署)

story near-mailed-card-zh [3] zh-TW: when a mailed card arrives
> 我上網申請補發健保卡，寄出來大概要幾天才會收到？
< must: 健保署|0800-030-598|1922
< not: 1 小時

story near-mailed-card-en [3] en: when a card ordered online arrives by post
> I applied for a replacement NHI card online. How many days until it arrives by mail?
< must: NHIA|0800-030-598|1922
< not: 1 hour

story near-app-password-zh [3] zh-TW: forgotten NHI app password
> 健保快易通的密碼忘記了怎麼辦
< must: 健保署|0800-030-598|4128-678
< not: 統號|其他(健保署)

story near-app-password-en [3] en: forgotten NHI app password
> I forgot my password for the NHI Express app
< must: NHIA|0800-030-598|4128-678
< not: UI number|統號|其他(健保署)

story near-card-expiry-zh [3] zh-TW: does the card expire
> 健保卡有使用期限嗎？過期要不要換
< must: 健保署|0800-030-598|1922
< not: 1 小時|左下|其他(健保署)

story near-card-expiry-en [3] en: does the card expire
> does my NHI card have an expiry date? do I need to renew it?
< must: NHIA|0800-030-598|1922
< not: 1 hour|lower left|其他(健保署)

story near-lost-arc-zh [3] zh-TW: a lost ARC, not the NHI card
> 我的居留證掉了，要去哪裡補辦？
< must: 移民署|0800-024-111|1990
< not: 健保卡上|其他(健保署)|超商

story near-lost-arc-en [3] en: a lost ARC, not the NHI card
> I lost my ARC yesterday, where do I get a new one?
< must: Immigration|移民署|0800-024-111
< not: printed on|其他(健保署)|convenience store

story near-arc-length-zh [3] zh-TW: how many characters an ARC number has
> 居留證號碼總共有幾碼？
< must: 10|移民署|1922
< not: 左下|1 小時

story near-arc-length-en [3] en: how many characters an ARC number has
> how many characters does an ARC number have?
< must: 10|Immigration|1922
< not: lower left|1 hour

story near-side-effects-zh [3] zh-TW: side effects after the shot
> 打完疫苗發燒正常嗎
< must: 1922
< not: 1 小時|左下

story near-booking-change-en [3] en: changing an appointment already booked
> I booked my vaccine for Friday but I can't make it, how do I change the date?
< must: 1922
< not: 1 hour|lower left|convenience store

story near-second-dose-card-step-zh [2, 3] zh-TW: a second-dose question at the card step, then the number
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 第二劑什麼時候可以打
< must: 1922
< not: 1 小時|格式|第 1 次
> 000011112222
< must: 相符

story near-where-card-step-en [2, 3] en: where to get vaccinated, at the card step, then the number
> English
> tap: Check my ID
> A123456789
> tap: Yes
> where can I get vaccinated?
< must: 1922
< not: 1 hour|try 1 of
> 000011112222
< must: match
< not: don't match
