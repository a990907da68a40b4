// Placeholder: the message pipeline lands here.
