/// JSON keys as the project's files spell them (truth.json, profiles): snake_case, decoded with
/// `.convertFromSnakeCase`. A decoding error names the Swift property; messages name the file's key.
public enum JSONKey {
    /// `poolUptimeS` is `pool_uptime_s`, `coldMedianMs128` `cold_median_ms_128`; a key without capitals
    /// (a runtime's name, a memory size) is left as it is.
    public static func snakeCase(_ key: String) -> String {
        guard key.contains(where: \.isUppercase) else { return key }
        var out = ""
        for character in key {
            let digitAfterLetter = character.isNumber && (out.last?.isLetter ?? false)
            if character.isUppercase || digitAfterLetter { out += "_" }
            out += character.lowercased()
        }
        return out
    }
}
