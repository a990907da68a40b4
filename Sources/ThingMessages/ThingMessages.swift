/// Placeholder: the ThingMessages engine lands here.
