// Package knowledge holds the NHIA QA of 2021-07-21 (items q1…q9) as an
// embedded, validated, bilingual knowledge base, and matches free text in
// Traditional Chinese, Simplified Chinese or English to one of its items.
//
// The data lives in data/*.toml, one file per QA item plus offtopic.toml (the
// things people ask that are not QA items, used to abstain). Load validates
// every file; a broken file fails start-up with a message naming the file and
// the field.
//
// knowledge must not import bot/, dialogs/, verify/, any chat SDK, fasthttp or
// a storage driver: it is a leaf that the dialogs ask questions of.
package knowledge
