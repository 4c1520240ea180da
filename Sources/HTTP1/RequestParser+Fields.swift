extension RequestParser {
    /// Reads field lines up to the empty line ending the section (headers or trailers); true when
    /// the section is complete. Limits: one field line, the section, the field count (431).
    mutating func readFields() throws(HTTPError) -> Bool {
        while let line = input.nextLine() {
            consume(line.consumed)
            if line.content.isEmpty { return true }
            try checkFieldLimits(lineLength: line.content.count)
            headerBytes += line.content.count
            guard fields.fields.count < limits.maxFieldCount else {
                throw .headersTooLarge("the request has over \(limits.maxFieldCount) fields")
            }
            let field = try HeaderField.parse(line.content)
            fields.add(field.name, field.value)
        }
        try checkFieldLimits(lineLength: input.partialLineLength)
        return false
    }

    private func checkFieldLimits(lineLength: Int) throws(HTTPError) {
        if lineLength > limits.maxFieldLineBytes {
            throw .headersTooLarge("a field line is over \(limits.maxFieldLineBytes) bytes")
        }
        if headerBytes + lineLength > limits.maxHeaderBytes {
            throw .headersTooLarge("the header section is over \(limits.maxHeaderBytes) bytes")
        }
    }
}
