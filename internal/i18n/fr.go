package i18n

// fr is the French catalog: English message → French.
var fr = map[string]string{}
