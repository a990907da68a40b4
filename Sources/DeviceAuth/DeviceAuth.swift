// Placeholder: device authentication and topic permissions land here.
