// Package staff is the desk's record of people: operator accounts with a
// role and a hashed password, their sessions, the audit of every call-back
// number revealed, and the notes and outcomes operators write on tickets.
//
// staff must not import a storage driver or fasthttp: bot/sqlstore keeps
// these in the ticket database; MemoryStore here is the in-process
// implementation and the tests' fake. Every implementation passes
// stafftest.Run.
package staff
