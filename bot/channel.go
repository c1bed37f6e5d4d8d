package bot

import (
	"context"
	"errors"
	"time"

	"github.com/vaxbot/vaxbot/dialogs"
)

// Event is one decoded inbound event and what its channel needs to answer it.
type Event struct {
	// ID identifies the event for dropping redeliveries (LINE's
	// webhookEventId, Telegram's update_id); "" disables the check.
	ID string
	// Type names the kind of event for metrics: "text", "postback",
	// "follow", "callback", "command".
	Type string
	// Input is what the conversation sees.
	Input dialogs.Input
	// Reply is the channel's own context for answering (a reply token, a
	// chat id); the dispatcher passes it back to Deliver untouched.
	Reply any
	// At is when the platform says the event happened (LINE's timestamp,
	// a Telegram message's date); the zero time when it does not say. The
	// server refuses an event older than its replay window: a captured,
	// correctly signed body sent again after its id was forgotten.
	At time.Time
}

// Channel is one chat platform.
type Channel interface {
	// Name is the channel's path segment and metric label: "line", "telegram".
	Name() string
	// Authenticate checks a request's signature or secret over the raw body
	// before anything parses it. header returns a request header's value.
	Authenticate(header func(name string) string, body []byte) bool
	// Decode parses an authenticated body into events. It returns
	// ErrBadRequest (wrapped) for a body it cannot parse.
	Decode(body []byte) ([]Event, error)
	// Deliver sends the replies to one event. It retries what is worth
	// retrying, never sends what may have been delivered already, and
	// returns an error only when the replies are lost, or wrapping
	// ErrDeliveryUnknown when a call went unanswered and they may have
	// arrived.
	Deliver(ctx context.Context, ev Event, replies []dialogs.Reply) error
}

// Preparer is implemented by a channel that acts on an event before the
// conversation handles it (LINE's loading animation, Telegram deleting a
// message that holds a number).
type Preparer interface {
	Prepare(ctx context.Context, ev Event)
}

// ErrBadRequest marks a body that could not be decoded.
var ErrBadRequest = errors.New("bot: bad request")

// ErrDeliveryUnknown marks replies whose fate is not known: a call to the
// platform was sent and got no answer (a timeout, a connection cut), so
// they may have arrived. Sending them again could say everything twice;
// the dispatcher counts them as "unknown", not as lost.
var ErrDeliveryUnknown = errors.New("bot: delivery unknown")
