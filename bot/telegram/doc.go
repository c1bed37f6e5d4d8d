// Package telegram is vaxbot's Telegram channel: it implements bot.Channel
// and bot.Preparer on top of github.com/go-telegram/bot.
//
// Inbound, Authenticate checks the webhook's secret token in constant time
// and Decode turns an update into at most one bot.Event (text, command,
// callback query, or a message the bot cannot read: a sticker or a GIF as
// dialogs.EventSticker, a photo or an image file as dialogs.EventPhoto,
// the rest as dialogs.EventUnsupported); every other kind of update decodes
// to no event, so the server answers 200 and Telegram does not retry it.
// The session key holds the chat and the user ("telegram:<chat>:<user>").
//
// Numbers are checked one-to-one only. In a group, a supergroup or a
// channel the bot answers only its commands (or any command addressed to
// it by name) and button presses, always as a dialogs.Input with Shared
// set: the conversation then gives a short note with a deep link to a
// private chat, never a form or a number. Everything else from such a chat
// gives no event. The deep link needs the bot's username: Config.Username,
// or one getMe call, made by Deliver the first time a group needs it.
//
// Outbound, Deliver answers a callback query, renders dialogs.Reply values
// as plain-text messages with inline keyboards, and sends them, to the
// forum topic the event came from, with retries on 429 and server errors.
// Prepare deletes a person's message that holds a full ID or card number,
// and Deliver then says so in the person's language.
//
// The SDK is used only as a client: its webhook handler and update loop are
// not, because they answer 200 to a bad secret and compare it with !=.
//
// Nothing here logs message text, user ids or chat ids.
//
// telegram must not import bot/line (channels never import each other) or
// fasthttp (only package bot serves HTTP); TestImports checks both.
package telegram
