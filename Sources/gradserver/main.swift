print("gradserver: not implemented yet")
