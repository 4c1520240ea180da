import Dispatch
import Foundation
import GradAPI
import HTTPServer
import Logging

// Thin executable: flags -> configuration, wiring, signals. Nothing else lives here.
GradServerCommand.main()
