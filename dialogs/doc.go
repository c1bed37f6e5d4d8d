// Package dialogs is vaxbot's scripted conversation: the menu, the QA
// answers, the number check with its diagnosis, and the hotline handoff —
// the same on every channel.
//
// It owns the channel-neutral vocabulary (Input, Reply, Choice, Link,
// Handoff, Session). Engine.Handle is pure: it takes a session and an input
// and returns replies, with the clock injected and no goroutines. Conversation
// wraps it with the per-person lock and the session Store.
//
// dialogs must not import bot/, any chat SDK, fasthttp, or a storage driver;
// it knows knowledge/ and verify/ through small interfaces.
package dialogs
