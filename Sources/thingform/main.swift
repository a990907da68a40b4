print("thingform")
