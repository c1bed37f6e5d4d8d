// Package telegram is vaxbot's Telegram channel: it implements bot.Channel
// and bot.Preparer on top of github.com/go-telegram/bot.
//
// Inbound, Authenticate checks the webhook's secret token in constant time
// and Decode turns an update into at most one bot.Event (text, command or
// callback query); every other kind of update decodes to no event, so the
// server answers 200 and Telegram does not retry it. Outbound, Deliver
// answers a callback query, renders dialogs.Reply values as plain-text
// messages with inline keyboards, and sends them with retries on 429 and
// server errors. Prepare deletes a person's message that holds a full ID or
// card number, and Deliver then says so in the person's language.
//
// The SDK is used only as a client: its webhook handler and update loop are
// not, because they answer 200 to a bad secret and compare it with !=.
//
// Nothing here logs message text, user ids or chat ids.
//
// telegram must not import bot/line (channels never import each other) or
// fasthttp (only package bot serves HTTP); TestImports checks both.
package telegram
