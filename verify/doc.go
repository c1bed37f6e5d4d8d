// Package verify checks the numbers a person types to register for a
// vaccine: the national ID or resident number (format and checksum) and the
// NHI card number (12 digits), looks them up in a Registry, and diagnoses a
// failed verification by the rules of the NHIA QA of 2021-07-21.
//
// Privacy: a full ID or card number never appears in an error, a String, a
// log value or JSON produced here; only Number() gives the full value.
//
// verify must not import bot/, dialogs/, knowledge/, any chat SDK, fasthttp
// or a storage driver.
package verify
