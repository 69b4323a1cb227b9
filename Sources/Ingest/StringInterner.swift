import Store

/// One storage for each repeated long string of a file's dimension keys. The writing thread compares
/// every record's keys with the keys it has cached: strings that share their storage compare by
/// identity, while separate copies were compared byte by byte, from memory seldom in the cache (in
/// real time, a tenth of the writing thread's work on 1M `#` lines). Strings of up to 15 bytes are
/// held inside the string itself and compare at once anyway.
struct StringInterner {
    /// Distinct strings kept; past it the set starts again, so memory stays bounded on any input.
    static let limit = 4096
    private var strings = Set<String>()

    /// The fields that make the record's function, VM, CPU model and experiment keys; not instance ids,
    /// which are too many to keep and seldom repeat within a batch.
    mutating func intern(keysOf record: inout InvocationRecord) {
        intern(&record.provider)
        intern(&record.account)
        intern(&record.region)
        intern(&record.functionName)
        intern(&record.runtime)
        intern(&record.functionVersion)
        intern(&record.architecture)
        intern(&record.packaging)
        intern(&record.vmID)
        intern(&record.cpuModel)
        intern(&record.experimentKind)
        intern(&record.experimentParameters)
    }

    mutating func intern(_ string: inout String?) {
        guard string.map({ $0.utf8.count > 15 }) == true else { return }
        intern(&string!)
    }

    mutating func intern(_ string: inout String) {
        guard string.utf8.count > 15 else { return }
        if strings.count >= Self.limit { strings.removeAll(keepingCapacity: true) }
        string = strings.insert(string).memberAfterInsert
    }
}
