# Class 0: the plain happy paths. The nine QA items asked the way people
# write, in both languages; a full number check for every outcome of the
# demo registry; the handoffs to each line.

# --- The nine QA items, in Chinese ---

story q1-where-zh [0] zh-TW: where the card number is, asked plainly
> (follow)
> 請問健保卡上面哪一串才是卡號？
< must: 左下
< must: 12
< not: 找不到相符
< lang: zh-TW

story q2-unreadable-zh [0] zh-TW: worn card, number unreadable
> 我的健保卡用很久了，卡號都磨到看不清楚，還有辦法查嗎
< must: 健保卡狀況及領卡紀錄|讀卡機
< not: 1 小時

story q3-app-new-ui-zh [0] zh-TW: NHI app after changing to the new UI number
> 我換了新的統一證號，健保快易通APP還能登入嗎
< must: 0800-030-598|4128-678
< must: 綁定
< lang: zh-TW

story q4-no-card-zh [0] zh-TW: no NHI card, how to register
> 我沒有健保卡，要怎麼登記打疫苗？
< must: 地方政府|縣市
< not: 1 小時|左下

story q5-new-arc-fails-zh [0] zh-TW: a foreign spouse's new ARC number fails verification
> 我太太是外籍配偶，換了新的居留證以後，用新號碼在疫苗網站驗證一直失敗
< must: 健保卡上
< not: 其他(健保署)

story q6-new-card-zh [0] zh-TW: card picked up this morning
> 今天早上剛去健保署辦好新卡，什麼時候可以上網登記疫苗
< must: 1 小時
< not: 左下

story q7-duplicate-zh [0] zh-TW: duplicate ID number asked as a question
> 我的身分證字號好像跟別人重複，網站一直說無法驗證
< must: 其他(健保署)
< must: 1922
< handoff: none

story q8-new-number-old-card-zh [0] zh-TW: records moved to the new number, card still old
> 移民署跟健保署都已經改成新證號了，可是健保卡還是舊的，可以用APP預約疫苗嗎
< must: 8 月底|8月底
< must: 1922
< not: 健保卡上的居留證號

story q9-registered-then-new-arc-zh [0] zh-TW: registered with the old number, then got a new ARC
> 之前用舊的居留證號登記過意願，後來去移民署換了新式居留證，現在要怎麼預約？
< must: 超商|舊居留證號
< must: 1922

# --- The nine QA items, in English ---

story q1-where-en [0] en: which number on the card is the card number
> (follow)
> Which number on the NHI card is the card number?
< must: lower left
< must: 12
< lang: en

story q2-unreadable-en [0] en: the digits have worn off
> the numbers on my health insurance card are worn off, i can't read them anymore
< must: card reader|NHI card status
< not: 1 hour
< lang: en

story q3-app-new-ui-en [0] en: can I still log in to the NHI app with my new UI number
> I got the new UI number, can I still log in to the NHI Express app?
< must: 0800-030-598|4128-678
< must: bind*
< lang: en

story q4-no-card-en [0] en: no card, how to sign up
> I don't have an NHI card. How can I sign up for the vaccine?
< must: local government
< not: 1 hour|lower left
< lang: en

story q5-new-arc-fails-en [0] en: verification fails with the new ARC number
> verification fails with my new ARC number on the vaccine website, what should I do?
< must: printed on|on your NHI card|on your current NHI card
< lang: en

story q6-new-card-en [0] en: just got a new card at the counter
> I just picked up my new card at the NHIA office. When can I register?
< must: 1 hour
< not: lower left
< lang: en

story q7-duplicate-en [0] en: someone else has the same ID number
> my ID number is the same as someone else's so the registration site won't accept me
< must: 其他(健保署)|Other (NHIA)
< must: 1922
< handoff: none
< lang: en

story q8-new-number-old-card-en [0] en: new number everywhere but the card
> Immigration and the NHIA changed me to the new number but my health card still has the old one. Can I book with the app?
< must: end of August
< must: 1922
< lang: en

story q9-registered-then-new-arc-en [0] en: booking after getting a new ARC
> I registered with my old ARC, then got a new ARC. How do I book my shot now?
< must: convenience store|old ARC number
< must: 1922
< lang: en

# --- A whole number check, one for each outcome ---

story verify-verified-zh [0] zh-TW: matching numbers, tapped from the menu
> (follow)
> tap: 檢查我的證號和卡號
< must: 身分證號|居留證號
< handoff: none
> A123456789
< must: A12*****89
< choice: 正確
> tap: 正確
< must: 卡號
> 0000 1111 2222
< must: 相符
< handoff: none
< not: 對不起來

story verify-verified-en [0] en: matching numbers, in English
> (follow)
> tap: English
< lang: en
> tap: Check my ID
< must: ID number|resident
> a123456789
< must: A12*****89
> tap: Yes
< must: card number
> 000011112222
< must: match
< not: don't match
< lang: en

story verify-card-too-new-en [0] en: a card made 20 minutes ago
> English
> B222222228
< must: B22*****28
> tap: Yes
> 0000-2222-3333
< must: 1 hour
< must: 09:40
< handoff: none
< lang: en

story verify-card-too-new-zh [0] zh-TW: 剛做好的卡
> 檢查我的證號和卡號
> B222222228
> 對
> 000022223333
< must: 1 小時
< must: 09:40
< handoff: none

story verify-record-moved-zh [0] zh-TW: old number on the card, record moved to the new one
> (follow)
> tap: 檢查我的證號和卡號
> AC00000003
< must: AC0*****03
> tap: 正確
> 000033334444
< must: 1922
< must: 8 月底|8月底
< handoff: none

story verify-number-on-card-zh [0] zh-TW: a new number the NHIA does not know yet (QA 5)
> (follow)
> tap: 檢查我的證號和卡號
> D800000008
> tap: 正確
> 000055556666
< must: 健保卡上
< handoff: none

story verify-use-new-number-en [0] en: former number typed, the card already shows the new one (QA 9)
> (follow)
> tap: English
> tap: Check my ID
> EB00000005
> tap: Yes
> 000066667777
< must: new
< handoff: none
< lang: en

story verify-mismatch-once-zh [0] zh-TW: one mismatch: explained, no handoff yet
> 檢查我的證號和卡號
> A123456789
> tap: 正確
> 999999999999
< must: 對不起來|不符
< handoff: none
< choice: 再檢查一次

story verify-mismatch-twice-en [0] en: two mismatches hand the person to 1922
> English
> tap: Check my ID
> A123456789
> tap: Yes
> 999999999999
< must: don't match|do not match
< handoff: none
> tap: Check again
> A123456789
> tap: Yes
> 999999999999
< handoff: 1922
< must: 1922
< lang: en

# --- Handoffs ---

story handoff-1922-zh [0] zh-TW: person menu, then 1922
> (follow)
> tap: 找真人協助
< choice: 1922
< choice: 健保署
< choice: 地方政府
> tap: 1922
< handoff: 1922
< must: 1922
< must: 案件編號

story handoff-nhia-en [0] en: the NHIA line, in English
> (follow)
> tap: English
> tap: Talk to a person
< lang: en
> tap: NHIA
< handoff: nhia
< must: 0800-030-598
< must: 02-4128-678
< lang: en

story handoff-taipei-zh [0] zh-TW: no card, the county is Taipei with its 1999 line
> (follow)
> tap: 找真人協助
> tap: 地方政府
< must: 縣市
< handoff: none
> 台北市
< handoff: county
< must: 1999

story handoff-county-unconfigured-en [0] en: a county without its own number goes to 1922, and says so
> (follow)
> tap: English
> tap: Talk to a person
> tap: local government
> Pingtung
< handoff: 1922|county
< must: 1922
< must: Pingtung
< lang: en

story handoff-callback-zh [0] zh-TW: a handoff and a call-back, the phone number never shown in full
> (follow)
> tap: 找真人協助
> tap: 1922
> tap: 回電
< must: 電話
> tap: 同意
> 0912345678
< must: 時段|什麼時候
> tap: 下午
< must: 678
< must: 下午

story welcome-hint-en [0] en: a Telegram user whose app is in English gets English from the start
> (hint en)
> (start)
< lang: en
< choice: Talk to a person
< choice: Check my ID

story menu-typed-zh [0] zh-TW: typing 選單 shows the topics
> 選單
< choice: 健保卡卡號在哪裡|卡號
< choice: 找真人協助
< lang: zh-TW
