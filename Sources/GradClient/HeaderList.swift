import CCurl

/// A libcurl `curl_slist` of `Name: value` lines for CURLOPT_HTTPHEADER, freed by `free()`.
///
/// `Name:` with nothing after the colon tells libcurl to drop a header it would add itself.
struct HeaderList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init(_ fields: [(name: String, value: String)]) {
        for field in fields {
            let line = field.value.isEmpty ? "\(field.name):" : "\(field.name): \(field.value)"
            list = curl_slist_append(list, line)
        }
    }

    func free() {
        curl_slist_free_all(list)
    }
}
