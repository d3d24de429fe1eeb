package proved

// VerifyFactForTest checks f's proof against appHash as the client does.
func VerifyFactForTest(f Fact, appHash []byte) error {
	return verifyFact(newProofRuntime(), f, appHash)
}
