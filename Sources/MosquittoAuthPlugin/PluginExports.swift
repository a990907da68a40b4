// Placeholder: the @_cdecl decisions the C plugin calls land here.
