# Class 5: long messages with a backstory and a plain question at the end.

story long-new-card-zh [5] zh-TW: a dog chewed the old card; how long for the new one
> 你好，我上禮拜去健保署櫃檯換了新的健保卡，因為舊的那張被我家的狗咬爛了。今天想說要上網登記疫苗，結果一直顯示驗證失敗，我是不是要再等一下？新卡要等多久？
< must: 1 小時
< not: 找不到相符
< lang: zh-TW

story long-where-mother-zh [5] zh-TW: helping an elderly mother find the card number
> 不好意思打擾了，我媽媽今年七十幾歲，我要幫她上網登記疫苗，網站要輸入健保卡卡號，可是我們看了半天，卡片上有好幾組號碼，不知道是哪一個，請問卡號到底在哪裡？
< must: 左下
< not: 找不到相符

story long-worn-zh [5] zh-TW: ten years of wear, the number is gone
> 我的健保卡用了十幾年，上面的字幾乎都磨掉了，現在登記網站要填卡號，我身邊也沒有其他資料可以看，想請問有沒有其他方法可以查到自己的卡號？
< must: 健保卡狀況及領卡紀錄|讀卡機
< not: 找不到相符

story long-caregiver-arc-zh [5] zh-TW: a caregiver's employer writes about her new ARC
> 您好，我家的外籍看護今年一月去移民署換了新的居留證，號碼變成新的格式，我們用新號碼在疫苗網站幫她驗證，每次都說資料錯誤，仲介也說不知道怎麼辦，請問這種情況要怎麼處理比較好？
< must: 健保卡上
< not: 找不到相符

story long-duplicate-zh [5] zh-TW: a long story about a duplicate ID
> 我從小就被告知我的身分證號跟另外一個人一樣，以前看病都沒什麼問題，但是這次要登記疫苗，網站怎麼樣都驗證不過，打去問也一直占線，請問身分證重號的人到底要怎麼登記？
< must: 其他(健保署)
< not: 找不到相符
< handoff: none

story long-no-card-zh [5] zh-TW: back from abroad, insurance suspended, no card
> 我在國外住了好幾年，上個月才回台灣，健保還在辦恢復，手上也沒有健保卡。家人說現在打疫苗要先上網登記，可是網站一定要填健保卡號，請問像我這樣沒有健保卡的人要怎麼登記？
< must: 地方政府|縣市
< not: 找不到相符

story long-new-card-en [5] en: a teacher lost her wallet and got a replacement card yesterday
> Hi, sorry for the long message. I'm an English teacher in Taichung. I lost my wallet last week and went to the NHIA office to get a replacement card yesterday afternoon. Today the vaccine site keeps rejecting me. How long until the new card works?
< must: 1 hour
< not: couldn't find
< lang: en

story long-where-father-en [5] en: helping an 80-year-old father
> Hello, my father is 80 and doesn't use smartphones, so I'm helping him sign up for the vaccine on the government website. It asks for his NHI card number, but there are several numbers printed on his card. Which one is the card number?
< must: lower left
< not: couldn't find
< lang: en

story long-factory-arc-en [5] en: a factory worker with a new-format ARC
> Hi there. I'm from the Philippines and I work in a factory in Taoyuan. In March I got my new ARC with the new number format. When I type the new number on the vaccine registration site it says verification failed. My broker doesn't know what to do either. What should I do?
< must: printed on|on your NHI card|on your current NHI card
< not: couldn't find
< lang: en

story long-registered-old-en [5] en: registered in June, new ARC last week, which number now
> Good morning. Back in June I registered my vaccine willingness using my old ARC and NHI card. Then last week the immigration office gave me a new ARC with a different number. Now I want to book the appointment, but which number should I use?
< must: old ARC number|convenience store
< not: couldn't find
< lang: en

story long-record-moved-en [5] en: both offices changed the number, the card did not follow
> So I went to immigration and changed to the new UI number, and I also told the NHIA, they updated my data. But they said the new card takes time and I still have the old card. Now the NHI app won't let me log in to book the vaccine. Can I still book somehow?
< must: 1922
< must: end of August|replace*
< not: couldn't find
< lang: en

story long-worn-en [5] en: a faded card, a friend says the number is needed
> My card is really old and the numbers on it have faded completely, I can't read any of them. My friend says I need the number to register for the vaccine. Is there any way to find it?
< must: card reader|NHI card status
< not: couldn't find
< lang: en
