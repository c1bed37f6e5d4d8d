package dialogs

import "github.com/vaxbot/vaxbot/verify"

// The keys of dialogs/data/words.toml: every prompt and button the engine
// says, one constant each, so a mistyped key fails to compile. The words
// file must have exactly these (wordKeys), each in every language.
const (
	wWelcome                    = "welcome"
	wMenu                       = "menu"
	wChoiceVerify               = "choice_verify"
	wChoicePerson               = "choice_person"
	wChoiceMenu                 = "choice_menu"
	wChoiceOtherLang            = "choice_other_lang"
	wLangSwitched               = "lang_switched"
	wAnswerMore                 = "answer_more"
	wDidYouMean                 = "did_you_mean"
	wNoMatch                    = "no_match"
	wNoMatchAgain               = "no_match_again"
	wVerifyAskID                = "verify_ask_id"
	wVerifyConfirm              = "verify_confirm"
	wKindNational               = "kind_national"
	wKindArcNew                 = "kind_arc_new"
	wKindArcOld                 = "kind_arc_old"
	wChoiceYes                  = "choice_yes"
	wChoiceReenter              = "choice_reenter"
	wVerifyAskCard              = "verify_ask_card"
	wChoiceNoCard               = "choice_no_card"
	wChoiceCancel               = "choice_cancel"
	wInvalidEntry               = "invalid_entry"
	wTooManyInvalid             = "too_many_invalid"
	wRateLimited                = "rate_limited"
	wRegistryUnavailable        = "registry_unavailable"
	wFormCancelled              = "form_cancelled"
	wNumbersCleared             = "numbers_cleared"
	wOutcomeVerified            = "outcome_verified"
	wOutcomeCardTooNew          = "outcome_card_too_new"
	wOutcomeVerifiedRecordMoved = "outcome_verified_record_moved"
	wOutcomeUseNumberOnCard     = "outcome_use_number_on_card"
	wOutcomeCardShowsOldNumber  = "outcome_card_shows_old_number"
	wChoiceReplacedStillFails   = "choice_replaced_still_fails"
	wSmalltalkThanks            = "smalltalk_thanks"
	wSmalltalkBye               = "smalltalk_bye"
	wSmalltalkOK                = "smalltalk_ok"
	wSmalltalkGreeting          = "smalltalk_greeting"
	wFormResumeID               = "form_resume_id"
	wFormResumeCard             = "form_resume_card"
	wCountyWhich                = "county_which"
	wVerifyCardKept             = "verify_card_kept"
	wTicketHoldsQuestion        = "ticket_holds_question"
	wTicketHoldsCounty          = "ticket_holds_county"
	wTicketHoldsID              = "ticket_holds_id"
	wTicketHoldsChat            = "ticket_holds_chat"
	wListPair                   = "list_pair"
	wListLast                   = "list_last"
	wChoiceLanguage             = "choice_language"
	wLangMenu                   = "lang_menu"
	wChoiceLine1955             = "choice_line_1955"
	wChoiceLineNIA              = "choice_line_nia"
	wPersonAskForeign           = "person_ask_foreign"
	wReasonWithEnglish          = "reason_with_english"
	// WordNumberDeleted is what a chat channel says after deleting a
	// message that held a number (Telegram).
	WordNumberDeleted          = "number_deleted"
	wOutcomeUseNewNumber       = "outcome_use_new_number"
	wOutcomeDuplicateID        = "outcome_duplicate_id"
	wOutcomeMismatch           = "outcome_mismatch"
	wMismatchAgain             = "mismatch_again"
	wChoiceReadQA              = "choice_read_qa"
	wChoiceCheckAgain          = "choice_check_again"
	wPersonAsk                 = "person_ask"
	wChoiceLine1922            = "choice_line_1922"
	wChoiceLineNHIA            = "choice_line_nhia"
	wChoiceLineCounty          = "choice_line_county"
	wCountyAsk                 = "county_ask"
	wCountyUnknown             = "county_unknown"
	wCountyLine                = "county_line"
	wTicketRef                 = "ticket_ref"
	wHandoff                   = "handoff"
	wHandoffCountyUnconfigured = "handoff_county_unconfigured"
	wExpired                   = "expired"
	wStaleChoice               = "stale_choice"
	wReasonAsked               = "reason_asked"
	wReasonNoMatch             = "reason_no_match"
	wReasonInvalidEntries      = "reason_invalid_entries"
	wReasonRateLimited         = "reason_rate_limited"
	wReasonRegistryUnavailable = "reason_registry_unavailable"
	wReasonMismatchTwice       = "reason_mismatch_twice"
	wReasonNoCard              = "reason_no_card"
	wReasonDuplicateID         = "reason_duplicate_id"
	wReasonFaq                 = "reason_faq"
	wReasonIDFailures          = "reason_id_failures"
	wChannelBusy               = "channel_busy"
	wIDPaused                  = "id_paused"
	wChoiceCallback            = "choice_callback"
	wCallbackConsent           = "callback_consent"
	wChoiceCallbackYes         = "choice_callback_yes"
	wChoiceCallbackNo          = "choice_callback_no"
	wCallbackAskPhone          = "callback_ask_phone"
	wCallbackAskTime           = "callback_ask_time"
	wWhenMorning               = "when_morning"
	wWhenAfternoon             = "when_afternoon"
	wWhenEvening               = "when_evening"
	wWhenAny                   = "when_any"
	wCallbackDone              = "callback_done"
	wCallbackDeclined          = "callback_declined"
	wCallbackFailed            = "callback_failed"
	wVerifyAskIDSpoken         = "verify_ask_id_spoken"
	wVerifyAskCardSpoken       = "verify_ask_card_spoken"
	wVerifyConfirmSpoken       = "verify_confirm_spoken"
	wTurnFailed                = "turn_failed"
	wTicketFailed              = "ticket_failed"
	wGroupNote                 = "group_note"
	wChoicePrivateChat         = "choice_private_chat"
	wUnsupportedMessage        = "unsupported_message"
	wCardPicture               = "card_picture"
	wFeedbackAsk               = "feedback_ask"
	wChoiceHelpful             = "choice_helpful"
	wChoiceNotHelpful          = "choice_not_helpful"
	wFeedbackThanks            = "feedback_thanks"
	wFeedbackSorry             = "feedback_sorry"
	wStickerReply              = "sticker_reply"
	wPhotoReply                = "photo_reply"
	// The descriptions of the chat commands a platform lists
	// (Telegram's setMyCommands).
	WordCommandStart           = "command_start"
	WordCommandMenu            = "command_menu"
	WordCommandCheck           = "command_check"
	WordCommandPerson          = "command_person"
	WordCommandLang            = "command_lang"
	wChoiceRemind              = "choice_remind"
	wRemindSet                 = "remind_set"
	wChoiceRemindCancel        = "choice_remind_cancel"
	wRemindCancelled           = "remind_cancelled"
	wRemindFailed              = "remind_failed"
	wRemindDue                 = "remind_due"
	wLangName                  = "lang_name"
	wVoiceHello                = "voice_hello"
	wVoiceWelcome              = "voice_welcome"
	wVoiceInvalidChoice        = "voice_invalid_choice"
	wVoiceNoInput              = "voice_no_input"
	wVoiceNotUnderstood        = "voice_not_understood"
	wVoiceDialFailed           = "voice_dial_failed"
	wVoiceDialFailedNoCallback = "voice_dial_failed_no_callback"
	wVoiceCallbackDone         = "voice_callback_done"
	wVoiceGoodbye              = "voice_goodbye"
)

// wordKeys are the keys the words file must have, no more, no fewer.
var wordKeys = []string{
	wWelcome, wMenu, wChoiceVerify, wChoicePerson, wChoiceMenu, wChoiceOtherLang, wLangSwitched, wAnswerMore, wDidYouMean, wNoMatch, wNoMatchAgain, wVerifyAskID, wVerifyConfirm, wKindNational, wKindArcNew, wKindArcOld, wChoiceYes, wChoiceReenter, wVerifyAskCard, wChoiceNoCard, wChoiceCancel, wInvalidEntry, wTooManyInvalid, wRateLimited, wRegistryUnavailable, wFormCancelled, wNumbersCleared, wOutcomeVerified, wOutcomeCardTooNew, wOutcomeVerifiedRecordMoved, wOutcomeUseNumberOnCard, wOutcomeCardShowsOldNumber, wChoiceReplacedStillFails,
	wSmalltalkThanks, wSmalltalkBye, wSmalltalkOK, wSmalltalkGreeting, wFormResumeID, wFormResumeCard, wCountyWhich, wVerifyCardKept, WordNumberDeleted,
	wTicketHoldsQuestion, wTicketHoldsCounty, wTicketHoldsID, wTicketHoldsChat, wListPair, wListLast,
	wChoiceLanguage, wLangMenu, wChoiceLine1955, wChoiceLineNIA, wPersonAskForeign, wReasonWithEnglish, wOutcomeUseNewNumber, wOutcomeDuplicateID, wOutcomeMismatch, wMismatchAgain, wChoiceReadQA, wChoiceCheckAgain, wPersonAsk, wChoiceLine1922, wChoiceLineNHIA, wChoiceLineCounty, wCountyAsk, wCountyUnknown, wCountyLine, wTicketRef, wHandoff, wHandoffCountyUnconfigured, wExpired, wStaleChoice, wReasonAsked, wReasonNoMatch, wReasonInvalidEntries, wReasonRateLimited, wReasonRegistryUnavailable, wReasonMismatchTwice, wReasonNoCard, wReasonDuplicateID, wReasonFaq, wReasonIDFailures, wChannelBusy, wIDPaused, wChoiceCallback, wCallbackConsent, wChoiceCallbackYes, wChoiceCallbackNo, wCallbackAskPhone, wCallbackAskTime, wWhenMorning, wWhenAfternoon, wWhenEvening, wWhenAny, wCallbackDone, wCallbackDeclined, wCallbackFailed, wVerifyAskIDSpoken, wVerifyAskCardSpoken, wVerifyConfirmSpoken, wTurnFailed, wTicketFailed, wGroupNote, wChoicePrivateChat, wUnsupportedMessage, wCardPicture, wFeedbackAsk, wChoiceHelpful, wChoiceNotHelpful, wFeedbackThanks, wFeedbackSorry, wStickerReply, wPhotoReply, WordCommandStart, WordCommandMenu, WordCommandCheck, WordCommandPerson, WordCommandLang, wChoiceRemind, wRemindSet, wChoiceRemindCancel, wRemindCancelled, wRemindFailed, wRemindDue, wLangName, wVoiceHello, wVoiceWelcome, wVoiceInvalidChoice, wVoiceNoInput, wVoiceNotUnderstood, wVoiceDialFailed, wVoiceDialFailedNoCallback, wVoiceCallbackDone, wVoiceGoodbye,
}

// unsupportedWords answer a message the bot cannot read, by kind.
var unsupportedWords = map[Event]string{
	EventUnsupported: wUnsupportedMessage, EventSticker: wStickerReply, EventPhoto: wPhotoReply,
}

// kindWords names each kind of ID.
var kindWords = map[verify.Kind]string{
	verify.KindNational: wKindNational, verify.KindARCNew: wKindArcNew, verify.KindARCOld: wKindArcOld,
}

// outcomeWords explains each diagnosis.
var outcomeWords = map[verify.Outcome]string{
	verify.Verified: wOutcomeVerified, verify.CardTooNew: wOutcomeCardTooNew,
	verify.VerifiedRecordMoved: wOutcomeVerifiedRecordMoved, verify.UseNumberOnCard: wOutcomeUseNumberOnCard, verify.CardShowsOldNumber: wOutcomeCardShowsOldNumber,
	verify.UseNewNumber: wOutcomeUseNewNumber, verify.DuplicateID: wOutcomeDuplicateID, verify.Mismatch: wOutcomeMismatch,
}

// whenWords names each preferred call-back time.
var whenWords = map[string]string{
	"morning": wWhenMorning, "afternoon": wWhenAfternoon, "evening": wWhenEvening, "any": wWhenAny,
}

// reasonWords are the sentences a person can say to the operator, by
// handoff reason (a QA item's reason is wReasonFAQ with its title).
var reasonWords = map[string]string{
	ReasonAsked: wReasonAsked, ReasonNoMatch: wReasonNoMatch, ReasonInvalid: wReasonInvalidEntries,
	ReasonRateLimited: wReasonRateLimited, ReasonUnavailable: wReasonRegistryUnavailable,
	ReasonMismatch: wReasonMismatchTwice, ReasonNoCard: wReasonNoCard, ReasonIDFailures: wReasonIDFailures,
	string(verify.DuplicateID): wReasonDuplicateID,
}

// lineChoiceWords label the choice of each line.
var lineChoiceWords = map[string]string{
	Line1922: wChoiceLine1922, LineNHIA: wChoiceLineNHIA, LineCounty: wChoiceLineCounty,
	Line1955: wChoiceLine1955, LineNIA: wChoiceLineNIA,
}
