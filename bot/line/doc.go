// Package line is vaxbot's LINE channel: it checks X-Line-Signature over the
// raw body with the SDK's ValidateSignature, decodes events with the SDK's
// webhook types, and answers through the SDK's messaging client (reply
// token first, push only when allowed), with choices as quick replies or a
// Flex carousel.
//
// line must not import fasthttp or another channel (bot/telegram).
package line
