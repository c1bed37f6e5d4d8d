package verify

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Record is one person's NHI record as a registry knows it.
type Record struct {
	// ID is the number the NHI record is kept under.
	ID string
	// CardNumber is the number of the current card.
	CardNumber string
	// CardID is the ID printed on that card; "" means the same as ID.
	CardID string
	// CardIssuedAt is when the current card was made.
	CardIssuedAt time.Time
	// PreviousID is a former resident number, or "".
	PreviousID string
	// Duplicate is true when the record is keyed by an NHI-assigned ID
	// because the ID number is shared (QA item 7).
	Duplicate bool
}

// PrintedID is the number printed on the current card.
func (r Record) PrintedID() string {
	if r.CardID == "" {
		return r.ID
	}
	return r.CardID
}

// String masks every number.
func (r Record) String() string {
	return fmt.Sprintf("record{id:%s card:%s card_id:%s issued:%s previous:%s duplicate:%t}",
		Mask(r.ID), Mask(r.CardNumber), Mask(r.CardID), r.CardIssuedAt.Format(time.RFC3339), Mask(r.PreviousID), r.Duplicate)
}

// GoString masks every number for %#v.
func (r Record) GoString() string { return r.String() }

// Format masks every number whatever the verb: the fields are exported, so
// without it %d would print them in full.
func (r Record) Format(f fmt.State, verb rune) { formatMasked(f, verb, r.String(), r.GoString()) }

// MarshalJSON encodes the record with every number masked: a record is never
// written out in full.
func (r Record) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"id": Mask(r.ID), "card_number": Mask(r.CardNumber), "card_id": Mask(r.CardID),
		"card_issued_at": r.CardIssuedAt, "previous_id": Mask(r.PreviousID), "duplicate": r.Duplicate,
	})
}

// LogValue masks every number for log/slog.
func (r Record) LogValue() slog.Value { return slog.StringValue(r.String()) }

// Registry looks up NHI records.
type Registry interface {
	// Lookup returns the records whose ID, CardID or PreviousID equals id or
	// whose CardNumber equals cardNumber.
	Lookup(ctx context.Context, id, cardNumber string) ([]Record, error)
}

// ErrUnavailable is wrapped by a Registry whose back end cannot answer.
var ErrUnavailable = errors.New("verify: registry unavailable")

// CSVHeader is the header line a registry CSV file must start with.
const CSVHeader = "id,card_number,card_id,card_issued_at,previous_id,duplicate"

// CSVRegistry is a Registry held in memory, loaded from a CSV file.
type CSVRegistry struct {
	records []Record
	byID    map[string][]int // ID, CardID and PreviousID → records
	byCard  map[string]int
}

// LoadCSVFile loads a registry CSV file.
func LoadCSVFile(path string) (*CSVRegistry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("verify: registry: %w", err)
	}
	defer f.Close()
	reg, err := LoadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return reg, nil
}

// LoadCSV reads a registry from CSV with the header CSVHeader. Every row is
// checked; an error names the line and column, never the number in it.
func LoadCSV(r io.Reader) (*CSVRegistry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 6
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("verify: registry: header: %w", scrub(err))
	}
	if strings.Join(header, ",") != CSVHeader {
		return nil, fmt.Errorf("verify: registry: header must be %q", CSVHeader)
	}
	reg := &CSVRegistry{byID: map[string][]int{}, byCard: map[string]int{}}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("verify: registry: %w", scrub(err))
		}
		line, _ := cr.FieldPos(0)
		rec, err := parseRow(row)
		if err != nil {
			return nil, fmt.Errorf("verify: registry: line %d: %w", line, err)
		}
		if _, dup := reg.byCard[rec.CardNumber]; dup {
			return nil, fmt.Errorf("verify: registry: line %d: column card_number: card number already on another row", line)
		}
		reg.add(rec)
	}
	return reg, nil
}

// scrub drops the parser's quote of the offending text, which may hold a
// number, and keeps its position.
func scrub(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return err
}

func parseRow(row []string) (Record, error) {
	var rec Record
	id, err := ParseID(row[0])
	if err != nil {
		return rec, fmt.Errorf("column id: %w", err)
	}
	rec.ID = id.Number()
	card, err := ParseCardNumber(row[1])
	if err != nil {
		return rec, fmt.Errorf("column card_number: %w", err)
	}
	rec.CardNumber = card.Number()
	if row[2] != "" {
		cid, err := ParseID(row[2])
		if err != nil {
			return rec, fmt.Errorf("column card_id: %w", err)
		}
		if cid.Number() != rec.ID {
			rec.CardID = cid.Number()
		}
	}
	if rec.CardIssuedAt, err = time.Parse(time.RFC3339, strings.TrimSpace(row[3])); err != nil {
		return rec, errors.New("column card_issued_at: not an RFC 3339 time")
	}
	if row[4] != "" {
		pid, err := ParseID(row[4])
		if err != nil {
			return rec, fmt.Errorf("column previous_id: %w", err)
		}
		rec.PreviousID = pid.Number()
	}
	if rec.Duplicate, err = strconv.ParseBool(strings.TrimSpace(row[5])); err != nil {
		return rec, errors.New("column duplicate: not true or false")
	}
	return rec, nil
}

func (reg *CSVRegistry) add(rec Record) {
	i := len(reg.records)
	reg.records = append(reg.records, rec)
	reg.byCard[rec.CardNumber] = i
	for _, k := range []string{rec.ID, rec.CardID, rec.PreviousID} {
		if k != "" && (len(reg.byID[k]) == 0 || reg.byID[k][len(reg.byID[k])-1] != i) {
			reg.byID[k] = append(reg.byID[k], i)
		}
	}
}

// Len returns the number of records.
func (reg *CSVRegistry) Len() int { return len(reg.records) }

// Lookup implements Registry.
func (reg *CSVRegistry) Lookup(_ context.Context, id, cardNumber string) ([]Record, error) {
	seen := map[int]bool{}
	var out []Record
	add := func(i int) {
		if !seen[i] {
			seen[i] = true
			out = append(out, reg.records[i])
		}
	}
	if i, ok := reg.byCard[cardNumber]; ok {
		add(i)
	}
	for _, i := range reg.byID[id] {
		add(i)
	}
	return out, nil
}
