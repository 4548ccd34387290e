package identity

// CheapHashing makes s hash new passwords with argon2id at its smallest cost, so that tests that set
// many passwords run fast. CheckPassword reads the cost from each hash.
func CheapHashing(s *Service) {
	s.hash = func(pw string) (string, error) {
		return hashPassword(pw, argonParams{memory: 64, time: 1, threads: 1}), nil
	}
}
