package imports

// zhMessages tells each note format in Chinese. The keys are the English formats given to Notef; a
// format's verbs must come in the same order, or be indexed ("%[2]s").
var zhMessages = map[string]string{}
