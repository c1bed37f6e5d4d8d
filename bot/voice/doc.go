// Package voice is vaxbot's phone line: a telephony provider that speaks
// TwiML (Twilio and compatible ones) posts each step of a call, and the
// conversation answers in speech and keypad form, then dials the right human
// line. Requests are checked with X-Twilio-Signature (HMAC-SHA1 over the
// public URL and the sorted form parameters) before anything is read.
//
// voice must not import fasthttp or another channel; bot's server adapts
// its Handle to HTTP.
package voice
