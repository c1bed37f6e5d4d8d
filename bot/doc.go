// Package bot is vaxbot's edge: the fasthttp server (a public listener for
// the platforms' webhooks and the voice line, and an admin listener for
// metrics, the operators' API and pprof when one is configured), and a
// dispatcher that runs the conversation for each event in order per person
// and hands the replies back to the channel.
//
// A channel (bot/line, bot/telegram) implements Channel: authenticate a
// request, decode its body into Events, deliver replies. Only this package
// imports fasthttp; the channels import their SDKs and dialogs, never each
// other.
package bot
