print("gradbench: not implemented yet")
