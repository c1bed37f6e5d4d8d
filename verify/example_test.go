package verify_test

import (
	"errors"
	"fmt"

	"github.com/vaxbot/vaxbot/verify"
)

func ExampleParseID() {
	id, err := verify.ParseID("my ID is ａ１２３ ４５６ ７８９")
	fmt.Println(id.Kind(), id.Masked(), err)

	_, err = verify.ParseID("F123456789")
	var ie *verify.IDError
	if errors.As(err, &ie) {
		fmt.Println(ie.Code)
		fmt.Println(ie.Hint("en"))
	}
	// Output:
	// national A12*****89 <nil>
	// checksum
	// This number doesn't pass the check digit, so one character is probably mistyped. Please compare it with your card, letter and digits.
}

func ExampleMask() {
	fmt.Println(verify.Mask("A123456789"))
	// Output: A12*****89
}

func ExampleParseCardNumber() {
	c, err := verify.ParseCardNumber("0000 1111 2222")
	fmt.Println(c, err)
	_, err = verify.ParseCardNumber("0000 1111 2222 3")
	fmt.Println(err)
	// Output:
	// ********2222 <nil>
	// verify: card: 13 digits, want 12
}
