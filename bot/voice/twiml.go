package voice

import (
	"encoding/xml"
)

// Response is a TwiML document. Verbs are kept in order; encoding/xml
// escapes every text and attribute, so an answer with & < or quotes is safe.
type Response struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []any
}

// Say speaks text.
type Say struct {
	XMLName  xml.Name `xml:"Say"`
	Language string   `xml:"language,attr,omitempty"`
	Text     string   `xml:",chardata"`
}

// Pause waits.
type Pause struct {
	XMLName xml.Name `xml:"Pause"`
	Length  int      `xml:"length,attr"`
}

// Gather collects keys or speech and posts them to Action.
type Gather struct {
	XMLName             xml.Name `xml:"Gather"`
	Input               string   `xml:"input,attr"`
	Action              string   `xml:"action,attr"`
	Method              string   `xml:"method,attr"`
	NumDigits           int      `xml:"numDigits,attr,omitempty"`
	FinishOnKey         string   `xml:"finishOnKey,attr,omitempty"`
	Timeout             int      `xml:"timeout,attr"`
	Language            string   `xml:"language,attr,omitempty"`
	SpeechTimeout       string   `xml:"speechTimeout,attr,omitempty"`
	ActionOnEmptyResult bool     `xml:"actionOnEmptyResult,attr"`
	Says                []Say
}

// Dial connects the call to a number.
type Dial struct {
	XMLName xml.Name `xml:"Dial"`
	Action  string   `xml:"action,attr"`
	Method  string   `xml:"method,attr"`
	Timeout int      `xml:"timeout,attr"`
	Number  string   `xml:"Number"`
}

// Redirect moves the call to another URL.
type Redirect struct {
	XMLName xml.Name `xml:"Redirect"`
	Method  string   `xml:"method,attr"`
	URL     string   `xml:",chardata"`
}

// Hangup ends the call.
type Hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

// Marshal renders the document with its XML declaration.
func (r Response) Marshal() ([]byte, error) {
	b, err := xml.Marshal(r)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
