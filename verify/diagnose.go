package verify

import "time"

// Outcome is the result of a verification, named after the QA's rules.
type Outcome string

// The outcomes of Diagnose.
const (
	// Verified: the ID and card match a usable record.
	Verified Outcome = "verified"
	// CardTooNew: the card was made less than an hour ago (QA item 6).
	CardTooNew Outcome = "card_too_new"
	// VerifiedRecordMoved: the number on the card works on the 1922
	// platform, but the record has moved to a newer number, so the NHI app
	// will not work until the card is replaced (QA items 8, 9).
	VerifiedRecordMoved Outcome = "verified_record_moved"
	// UseNumberOnCard: the NHIA does not have the new resident number yet;
	// use the number printed on the card (QA items 5, 9).
	UseNumberOnCard Outcome = "use_number_on_card"
	// CardShowsOldNumber: the person typed the new resident number, which
	// the NHI record already holds, but the card still shows the old one:
	// register and book on the 1922 platform; the NHI app will not work
	// until the card is replaced (QA item 8).
	CardShowsOldNumber Outcome = "card_shows_old_number"
	// UseNewNumber: the person typed a former number, but the card already
	// shows the new one (QA item 9).
	UseNewNumber Outcome = "use_new_number"
	// DuplicateID: the record is keyed by an NHI-assigned ID because the ID
	// number is shared (QA item 7).
	DuplicateID Outcome = "duplicate_id"
	// Mismatch: anything else, worded the same whatever the cause so that
	// the answer never reveals whether an ID exists.
	Mismatch Outcome = "mismatch"
)

// Outcomes lists every outcome.
func Outcomes() []Outcome {
	return []Outcome{Verified, CardTooNew, VerifiedRecordMoved, UseNumberOnCard, CardShowsOldNumber, UseNewNumber, DuplicateID, Mismatch}
}

// Valid reports whether o is one of Outcomes.
func (o Outcome) Valid() bool {
	for _, x := range Outcomes() {
		if o == x {
			return true
		}
	}
	return false
}

// CardDelay is how long after a card is made its data reaches the NHIA
// (QA item 6).
const CardDelay = time.Hour

// Diagnosis is what Diagnose concludes.
type Diagnosis struct {
	Outcome Outcome
	// RetryAfter is when to try again (CardTooNew only), rounded up to the
	// minute.
	RetryAfter time.Time
	// Item is the QA item the outcome rests on ("q6"), or "".
	Item string
}

// Diagnose explains the result of looking up the typed ID x and card c,
// given the records the registry returned for them, at time now. It is pure.
//
// Only the record whose card number is c counts: without a matching card the
// answer is Mismatch, exactly as for an unknown ID, so a lookup never tells a
// stranger whether an ID exists.
func Diagnose(x ID, c Card, records []Record, now time.Time) Diagnosis {
	var rec *Record
	for i := range records {
		if records[i].CardNumber == c.Number() {
			rec = &records[i]
			break
		}
	}
	if rec == nil {
		return Diagnosis{Outcome: Mismatch}
	}
	typed, onCard := x.Number(), rec.PrintedID()
	switch {
	case typed == rec.ID && typed == onCard:
		if rec.Duplicate {
			return Diagnosis{Outcome: DuplicateID, Item: "q7"}
		}
		if ready := rec.CardIssuedAt.Add(CardDelay); now.Before(ready) {
			return Diagnosis{Outcome: CardTooNew, RetryAfter: roundUpMinute(ready), Item: "q6"}
		}
		return Diagnosis{Outcome: Verified}
	case typed == onCard:
		// The card shows an older number than the record's.
		return Diagnosis{Outcome: VerifiedRecordMoved, Item: "q8"}
	case typed == rec.ID:
		// The record knows the new number, the card still shows the old
		// one: the NHIA has the new number, so this is not QA item 5 but 8.
		return Diagnosis{Outcome: CardShowsOldNumber, Item: "q8"}
	case typed == rec.PreviousID && onCard == rec.ID:
		return Diagnosis{Outcome: UseNewNumber, Item: "q9"}
	case x.Kind() == KindARCNew && typed != rec.PreviousID && kindOfNumber(onCard) == KindARCOld:
		// A new-format number the NHIA does not have, with a card that
		// still shows the old one (QA item 5). Only this card's record is
		// consulted: asking whether the number belongs to some other record
		// would let anyone holding one card probe which numbers exist.
		return Diagnosis{Outcome: UseNumberOnCard, Item: "q5"}
	}
	// Not covered on purpose, for want of a QA rule: a former number typed
	// with a card that still shows an older one, and the one-hour wait of
	// item 6 for the moved and new-number outcomes (they send the person
	// elsewhere, where the wait does not apply in the same way).
	return Diagnosis{Outcome: Mismatch}
}

func kindOfNumber(n string) Kind {
	if len(n) < 2 {
		return ""
	}
	return kindOf(n[1])
}

func roundUpMinute(t time.Time) time.Time {
	r := t.Truncate(time.Minute)
	if r.Before(t) {
		r = r.Add(time.Minute)
	}
	return r
}

// TaiwanZone is Taiwan's time zone, in which retry times are told. Taiwan
// has had no daylight saving time since 1979, so a fixed UTC+8 zone stands
// in when the zone database is missing.
func TaiwanZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Taipei"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}
