// Package desk is the hotline desk in a browser, served under /desk/ by
// vaxbot serve (on the admin listener when there is one): operators sign
// in with accounts of their own (package staff), watch the queue fill live
// (Server-Sent Events), open a ticket with its masked context, claim,
// release, note and close it, and reveal a call-back number by a
// deliberate click that writes one audit row. Supervisors also read that
// audit and the charts, drawn by the server as inline SVG.
//
// Pages are html/template, words are data (data/words.toml, zh-TW and
// English, checked at load), and every asset is embedded: the desk works
// inside a closed network. desk imports dialogs (to mask what operators
// type), tickets and staff; it must not import a storage driver, a channel
// adapter or cmd.
package desk
