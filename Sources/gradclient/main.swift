print("gradclient: not implemented yet")
