import Foundation
import GRDB

/// The store's schema, created and upgraded by migrations.
///
/// Every table and column is documented in `docs/schema.md`; keep the two in step.
/// Units are in the column names: `_ms` epoch or duration milliseconds, `_s` seconds, `_mb` megabytes.
/// Repeated strings (function, runtime, region, VM, instance, CPU model) live in dimension tables so
/// that the `invocation` fact table holds numbers and keys.
public enum Schema {
    /// Names of the cold-start classification rules, by `cold_rule.id`.
    public enum ColdRule: Int, Sendable, CaseIterable {
        /// Nothing decided the invocation's temperature.
        case unknown = 0
        /// The paper's rule: request id equals instance id exactly on an instance's first request.
        case requestIdEqualsInstanceId = 1
        /// The platform reported its init phase (e.g. a Lambda REPORT line's Init Duration, OpenWhisk's
        /// `init_time`): cold above 0, warm at 0.
        case platformInitField = 2
        /// The source declared the flag itself (a canonical record's `is_cold`).
        case declaredBySource = 3
        /// The reader's inference from how the run was made, not the source's statement: a container's
        /// first record in a run started cold is its cold start, its later records are warm (the FaaS
        /// Parallelism Benchmark).
        case firstRecordOfContainer = 4

        public var name: String {
            switch self {
            case .unknown: "unknown"
            case .requestIdEqualsInstanceId: "request-id-equals-instance-id"
            case .platformInitField: "platform-init-field"
            case .declaredBySource: "declared-by-source"
            case .firstRecordOfContainer: "first-record-of-container"
            }
        }

        var summary: String {
            switch self {
            case .unknown: "no rule applied; is_cold is NULL"
            case .requestIdEqualsInstanceId:
                "cold exactly when the request id equals the instance id (the instance's first request)"
            case .platformInitField: "cold when the platform reports an init duration above 0, warm when it reports 0"
            case .declaredBySource: "the source record states is_cold"
            case .firstRecordOfContainer:
                "inferred: a container's first record in a run started cold is cold, its later records warm"
            }
        }
    }

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: canonical store") { db in
            try db.execute(sql: v1)
            for rule in ColdRule.allCases {
                try db.execute(
                    sql: "INSERT INTO cold_rule (id, name, description) VALUES (?, ?, ?)",
                    arguments: [rule.rawValue, rule.name, rule.summary])
            }
        }
        migrator.registerMigration("v2: metric samples") { db in
            try db.execute(
                sql: """
                    -- The sample behind a distribution metric (on its median row), for charts and comparisons:
                    -- one row per metric, the values sorted, as a JSON array (query them with json_each).
                    CREATE TABLE metric_sample (
                        metric_id     INTEGER PRIMARY KEY REFERENCES metric(id),
                        n             INTEGER NOT NULL,
                        sorted_values TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: invocations by snapshot and experiment") { db in
            // Stages read a snapshot's invocations experiment by experiment: this order keeps each
            // experiment's rows in insertion order, so reading them is close to a sequential scan.
            try db.execute(
                sql: """
                    DROP INDEX invocation_by_snapshot;
                    CREATE INDEX invocation_by_snapshot ON invocation (snapshot_id, experiment_id);
                    """)
        }
        migrator.registerMigration("v4: stored analyses") { db in
            try db.execute(
                sql: """
                    -- What each snapshot's stored analysis was computed from, so that `analyze report` can
                    -- render it without running the stages again while it is current.
                    CREATE TABLE analysis (
                        snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot(id),
                        inputs      TEXT NOT NULL,     -- source files, options and stage version it used
                        analyzed_at TEXT NOT NULL      -- ISO 8601 UTC
                    );
                    -- Its stages in the order they ran: the reason one was not measurable, or how many of
                    -- the snapshot's metric rows (source 'analyze', in id order) it wrote.
                    CREATE TABLE analysis_stage (
                        snapshot_id    INTEGER NOT NULL REFERENCES snapshot(id),
                        position       INTEGER NOT NULL,
                        title          TEXT NOT NULL,
                        not_measurable TEXT,
                        metrics        INTEGER NOT NULL,
                        seconds        REAL NOT NULL,
                        PRIMARY KEY (snapshot_id, position)
                    );
                    """)
        }
        migrator.registerMigration("v5: no invocation_by_instance") { db in
            // No stage reads invocations by instance any more (they aggregate one pass over the
            // snapshot), and building the index took 0.6 s of a 1M-invocation ingest.
            try db.execute(sql: "DROP INDEX invocation_by_instance")
        }
        migrator.registerMigration("v6: per-file invocation tallies") { db in
            // What a report says about a snapshot's data (invocations, first and last request, the
            // cold-start rule counts) kept per file as it is ingested: counting them over the
            // invocations took a 10M-invocation report 10 s. Stores from before are filled in once.
            try db.execute(
                sql: """
                    ALTER TABLE source_file ADD COLUMN first_sent_ms REAL;
                    ALTER TABLE source_file ADD COLUMN last_sent_ms REAL;
                    CREATE TABLE source_file_cold_rule (
                        source_file_id INTEGER NOT NULL REFERENCES source_file(id),
                        cold_rule_id   INTEGER NOT NULL REFERENCES cold_rule(id),
                        invocations    INTEGER NOT NULL,
                        PRIMARY KEY (source_file_id, cold_rule_id)
                    );
                    UPDATE source_file SET
                        first_sent_ms = (SELECT min(request_sent_ms) FROM invocation i WHERE i.source_file_id = \
                    source_file.id),
                        last_sent_ms = (SELECT max(request_sent_ms) FROM invocation i WHERE i.source_file_id = \
                    source_file.id);
                    INSERT INTO source_file_cold_rule (source_file_id, cold_rule_id, invocations)
                        SELECT source_file_id, cold_rule_id, count(*) FROM invocation GROUP BY source_file_id, \
                    cold_rule_id;
                    """)
        }
        migrator.registerMigration("v7: metric parameters as columns") { db in
            // What told settings apart lived only in the setting's prose; reports and comparisons parsed
            // it back. Rows from before keep NULLs and their values (analyses are computed again, as
            // every stage's version went up).
            try db.execute(
                sql: """
                    ALTER TABLE metric ADD COLUMN experiment TEXT;
                    ALTER TABLE metric ADD COLUMN temperature TEXT;
                    ALTER TABLE metric ADD COLUMN grouping TEXT;
                    ALTER TABLE metric ADD COLUMN scenario TEXT;
                    ALTER TABLE metric ADD COLUMN concurrency INTEGER;
                    ALTER TABLE metric ADD COLUMN colevel INTEGER;
                    ALTER TABLE metric ADD COLUMN batch_size INTEGER;
                    ALTER TABLE metric ADD COLUMN delay_s REAL;
                    ALTER TABLE metric ADD COLUMN idle_minutes REAL;
                    ALTER TABLE metric ADD COLUMN interval_s REAL;
                    """)
        }
        migrator.registerMigration("v8: architecture and packaging as fields, metric series") { db in
            // lambda-perf's reader folded them into the runtime ("python312 image arm64"); its
            // invocations kept them in `extra`. Functions and metric rows are split once; analyses are
            // computed again (the cold-start stage's version went up).
            try db.execute(
                sql: """
                    ALTER TABLE function ADD COLUMN architecture TEXT;
                    ALTER TABLE function ADD COLUMN packaging TEXT;
                    DROP INDEX function_key;
                    UPDATE function SET
                        architecture = (SELECT json_extract(i.extra, '$.architecture') FROM invocation i
                                        WHERE i.function_id = function.id AND i.extra IS NOT NULL LIMIT 1),
                        packaging = (SELECT json_extract(i.extra, '$.packaging') FROM invocation i
                                     WHERE i.function_id = function.id AND i.extra IS NOT NULL LIMIT 1)
                    WHERE id IN (SELECT DISTINCT i.function_id FROM invocation i
                                 JOIN source_file f ON f.id = i.source_file_id WHERE f.format = 'lambda-perf');
                    UPDATE function SET runtime = replace(replace(runtime, ' arm64', ''), ' image', '')
                    WHERE architecture IS NOT NULL;
                    CREATE UNIQUE INDEX function_key ON function (
                        provider, ifnull(account, ''), ifnull(region, ''), ifnull(name, ''), ifnull(runtime, ''),
                        ifnull(memory_mb, -1), ifnull(version, ''), ifnull(architecture, ''), ifnull(packaging, ''));
                    ALTER TABLE source_file ADD COLUMN simulated_profile TEXT;
                    ALTER TABLE metric ADD COLUMN architecture TEXT;
                    ALTER TABLE metric ADD COLUMN packaging TEXT;
                    ALTER TABLE metric ADD COLUMN runtime_family TEXT;
                    ALTER TABLE metric ADD COLUMN runtime_version TEXT;
                    DROP VIEW invocation_view;
                    \(invocationView(functions: functionColumnsSinceV8))
                    CREATE TABLE metric_series (
                        metric_id INTEGER PRIMARY KEY REFERENCES metric(id),
                        x         TEXT NOT NULL,               -- JSON array, e.g. hours since the epoch
                        y         TEXT NOT NULL                -- JSON array of the same length
                    );
                    UPDATE metric SET
                        architecture = CASE WHEN runtime LIKE '% arm64' THEN 'arm64' ELSE 'x86_64' END,
                        packaging = CASE WHEN runtime LIKE '% image%' THEN 'image' ELSE 'zip' END
                    WHERE runtime IS NOT NULL AND (source = 'lambda-perf' OR snapshot_id IN (
                        SELECT snapshot_id FROM source_file WHERE format = 'lambda-perf'));
                    UPDATE metric SET runtime = replace(replace(runtime, ' arm64', ''), ' image', '')
                    WHERE architecture IS NOT NULL;
                    """)
            for runtime in try String.fetchAll(db, sql: "SELECT DISTINCT runtime FROM metric WHERE runtime IS NOT NULL")
            {
                let name = RuntimeName(runtime)
                try db.execute(
                    sql: "UPDATE metric SET runtime_family = ?, runtime_version = ? WHERE runtime = ?",
                    arguments: [name?.family, name?.version, runtime])
            }
        }
        migrator.registerMigration("v9: the truth of simulated runs, what a record stands for") { db in
            // truth.json beside a simulated run's log, as the simulator wrote it (docs/schema.md): what
            // the model was set to, for the report's key findings and the banner's seed and scale. And a
            // manifest's `aggregate`: a record that is a statistic over a period, not one invocation.
            try db.execute(
                sql: """
                    ALTER TABLE source_file ADD COLUMN simulation_truth TEXT;
                    ALTER TABLE source_file ADD COLUMN aggregate_statistic TEXT;
                    ALTER TABLE source_file ADD COLUMN aggregate_period_s REAL;
                    """)
        }
        migrator.registerMigration("v10: inferred cold rules, data-quality flags") { db in
            // Per file, the invocations with a derived value no invocation can have (QualityFlag).
            try db.execute(
                sql: """
                    ALTER TABLE source_file ADD COLUMN start_before_sent INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE source_file ADD COLUMN duration_over_round_trip INTEGER NOT NULL DEFAULT 0;
                    UPDATE source_file SET start_before_sent = flags.early, duration_over_round_trip = flags.long
                    FROM (SELECT source_file_id,
                                 total(i.function_start_ms < i.request_sent_ms) AS early,
                                 total(i.function_duration_ms > i.round_trip_ms) AS long
                          FROM invocation i GROUP BY source_file_id) AS flags
                    WHERE flags.source_file_id = source_file.id;
                    """)
            // Stored invocations keep the cold rule they were given; a re-ingest applies the precedence of v10.
            // A store made before v10 lacks the rules added since and has older descriptions.
            for rule in ColdRule.allCases {
                try db.execute(
                    sql: """
                        INSERT INTO cold_rule (id, name, description) VALUES (?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description
                        """,
                    arguments: [rule.rawValue, rule.name, rule.summary])
            }
        }
        migrator.registerMigration("v11: intervals of metric series") { db in
            // Each hour's median with its 95% CI: a figure of hourly medians without one cannot tell a
            // daily cycle from the noise of 30 cold starts an hour.
            try db.execute(
                sql: """
                    ALTER TABLE metric_series ADD COLUMN low TEXT;
                    ALTER TABLE metric_series ADD COLUMN high TEXT;
                    """)
        }
        migrator.registerMigration("v12: invocations by VM, only those with one") { db in
            // Most sources name no VM (lambda-perf, most JSON): their NULLs made an index entry per
            // invocation that no query reads (every query on vm_id wants a VM), a sixth of their ingest.
            try db.execute(
                sql: "DROP INDEX invocation_by_vm; "
                    + "CREATE INDEX invocation_by_vm ON invocation (vm_id) WHERE vm_id IS NOT NULL")
        }
        migrator.registerMigration("v13: no stored index of invocations by VM") { db in
            // Its one reader (idle recycling's busy VMs) lets SQLite index the VMs of its pairs for the query;
            // the stored index took a tenth of a large faas_measure ingest, and grew faster than linearly.
            try db.execute(sql: "DROP INDEX invocation_by_vm")
        }
        migrator.registerMigration("v14: instances found by a hash of their key") { db in
            // The unique index of (provider, instance_key) held every key as text: with the 1M instances of
            // 10M `#` lines it outgrew the page cache, and each new instance read and wrote pages of it. An
            // index of 64-bit hashes is a third of its size; the writer compares keys in the rows it finds.
            // SQLite cannot drop a table constraint, so the table is copied (its ids kept).
            let hash = DatabaseFunction("analyze_instance_key_hash", argumentCount: 2, pure: true) { values in
                // Blobs: GRDB reads text arguments up to their first NUL, the writer hashes every byte.
                guard let provider = Data.fromDatabaseValue(values[0]), let key = Data.fromDatabaseValue(values[1])
                else { return nil }
                return Dimensions.ProviderScopedKey.storedHash(provider: provider, key: key)
            }
            db.add(function: hash)
            defer { db.remove(function: hash) }
            try db.execute(
                sql: """
                    DROP VIEW invocation_view;
                    CREATE TABLE instance_with_hash (
                        id                INTEGER PRIMARY KEY,
                        provider          TEXT NOT NULL,
                        instance_key      TEXT NOT NULL,       -- provider-scoped function instance identity
                        key_hash          INTEGER NOT NULL,    -- SipHash-2-4 of provider, a 0 byte, instance_key
                        function_id       INTEGER REFERENCES function(id),
                        vm_id             INTEGER REFERENCES vm(id),
                        procfs_instance_id TEXT,               -- second element of the cgroup line (AWS)
                        private_ip        TEXT,                -- as first seen
                        first_seen_ms     REAL,                -- earliest request sent
                        last_seen_ms      REAL                 -- latest response received (else request sent)
                    );
                    INSERT INTO instance_with_hash
                        SELECT id, provider, instance_key,
                               analyze_instance_key_hash(CAST(provider AS BLOB), CAST(instance_key AS BLOB)),
                               function_id, vm_id, procfs_instance_id, private_ip, first_seen_ms, last_seen_ms
                        FROM instance ORDER BY id;
                    DROP TABLE instance;
                    ALTER TABLE instance_with_hash RENAME TO instance;
                    CREATE INDEX instance_by_key_hash ON instance (key_hash);
                    \(invocationView(functions: functionColumnsSinceV8))
                    """)
        }
        return migrator
    }

    /// The function columns the view lists after the name from v8 on.
    private static let functionColumnsSinceV8 = "f.runtime, f.architecture, f.packaging, f.memory_mb, f.version"

    /// One row per invocation with its dimensions spelled out; `functions` lists the function's columns
    /// after its name (v8 added architecture and packaging).
    private static func invocationView(functions: String) -> String {
        """
        -- One row per invocation with its dimensions spelled out: the place to start a query.
        CREATE VIEW invocation_view AS
        SELECT i.id, s.name AS snapshot, sf.path AS source_path, i.line,
               f.provider, f.account, f.region, f.name AS function, \(functions),
               e.kind AS experiment, e.parameters AS experiment_parameters,
               inst.instance_key, i.request_id, vm.vm_key,
               i.round_no, i.batch_no, i.batch_size, i.worker_no, i.interval_s, i.delay_s,
               i.request_sent_ms, i.response_received_ms, i.round_trip_ms,
               i.function_start_ms, i.function_end_ms, i.function_duration_ms, i.init_duration_ms,
               i.function_start_ms - i.request_sent_ms AS start_latency_ms,
               i.is_cold, cr.name AS cold_rule,
               i.vm_uptime_s, i.vm_idle_s, i.ncpu, cm.name AS cpu_model,
               vm.private_ip AS vm_private_ip, vm.public_ip AS vm_public_ip,
               inst.private_ip AS instance_private_ip,
               i.reported_version, i.expected_version, i.factorial_ms, i.status, i.error, i.extra
        FROM invocation i
        JOIN snapshot s ON s.id = i.snapshot_id
        JOIN source_file sf ON sf.id = i.source_file_id
        JOIN function f ON f.id = i.function_id
        JOIN cold_rule cr ON cr.id = i.cold_rule_id
        LEFT JOIN experiment e ON e.id = i.experiment_id
        LEFT JOIN instance inst ON inst.id = i.instance_id
        LEFT JOIN vm ON vm.id = i.vm_id
        LEFT JOIN cpu_model cm ON cm.id = i.cpu_model_id;
        """
    }

    private static let v1 = """
        CREATE TABLE snapshot (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            description TEXT,
            created_at  TEXT NOT NULL                  -- ISO 8601 UTC
        );

        CREATE TABLE source_file (
            id          INTEGER PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),
            path        TEXT NOT NULL,                 -- as given on the command line
            sha256      TEXT NOT NULL,                 -- hex digest of the file's bytes
            format      TEXT NOT NULL,                 -- reader that parsed it
            size_bytes  INTEGER NOT NULL,
            records     INTEGER NOT NULL,              -- invocations stored
            rejected    INTEGER NOT NULL,              -- records rejected
            ingested_at TEXT NOT NULL,                 -- ISO 8601 UTC
            UNIQUE (snapshot_id, sha256)
        );

        CREATE TABLE experiment (
            id         INTEGER PRIMARY KEY,
            kind       TEXT NOT NULL,                  -- e.g. coldstart, lifetime, consistency
            parameters TEXT NOT NULL,                  -- JSON object, keys sorted
            UNIQUE (kind, parameters)
        );

        CREATE TABLE function (
            id        INTEGER PRIMARY KEY,
            provider  TEXT NOT NULL,                   -- aws, azure, google, unknown
            account   TEXT,
            region    TEXT,
            name      TEXT,
            runtime   TEXT,
            memory_mb INTEGER,                         -- configured function memory
            version   TEXT                             -- deployed version, when known
        );
        CREATE UNIQUE INDEX function_key ON function (
            provider, ifnull(account, ''), ifnull(region, ''), ifnull(name, ''),
            ifnull(runtime, ''), ifnull(memory_mb, -1), ifnull(version, ''));

        CREATE TABLE cpu_model (
            id   INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );

        CREATE TABLE vm (
            id            INTEGER PRIMARY KEY,
            provider      TEXT NOT NULL,
            vm_key        TEXT NOT NULL,               -- provider-scoped host VM identity
            key_source    TEXT NOT NULL,               -- 'vm-id' (procfs/env) or 'boot-time'
            cpu_model_id  INTEGER REFERENCES cpu_model(id),
            ncpu          INTEGER,
            memory_mb     INTEGER,
            boot_time_s   REAL,                        -- epoch s, first estimate, 1 s resolution
            private_ip    TEXT,                        -- as first seen
            public_ip     TEXT,                        -- as first seen
            first_seen_ms REAL,                        -- earliest request sent to one of its instances
            last_seen_ms  REAL,
            UNIQUE (provider, vm_key)
        );

        CREATE TABLE instance (
            id                INTEGER PRIMARY KEY,
            provider          TEXT NOT NULL,
            instance_key      TEXT NOT NULL,           -- provider-scoped function instance identity
            function_id       INTEGER REFERENCES function(id),
            vm_id             INTEGER REFERENCES vm(id),
            procfs_instance_id TEXT,                   -- second element of the cgroup line (AWS)
            private_ip        TEXT,                    -- as first seen
            first_seen_ms     REAL,                    -- earliest request sent
            last_seen_ms      REAL,                    -- latest response received (else request sent)
            UNIQUE (provider, instance_key)
        );

        CREATE TABLE cold_rule (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL
        );

        CREATE TABLE invocation (
            id                   INTEGER PRIMARY KEY,
            snapshot_id          INTEGER NOT NULL REFERENCES snapshot(id),
            source_file_id       INTEGER NOT NULL REFERENCES source_file(id),
            line                 INTEGER NOT NULL,     -- 1-based line (or record) number in the file
            function_id          INTEGER NOT NULL REFERENCES function(id),
            instance_id          INTEGER REFERENCES instance(id),
            vm_id                INTEGER REFERENCES vm(id),
            experiment_id        INTEGER REFERENCES experiment(id),
            request_id           TEXT,
            round_no             INTEGER,
            batch_no             INTEGER,              -- sub-round: one batch of concurrent requests
            batch_size           INTEGER,              -- requests in the batch
            worker_no            INTEGER,
            interval_s           REAL,                 -- request interval of the experiment
            delay_s              REAL,                 -- delay after an update (consistency runs)
            request_sent_ms      REAL,                 -- epoch ms, client clock
            response_received_ms REAL,                 -- epoch ms, client clock
            round_trip_ms        REAL,
            function_start_ms    REAL,                 -- epoch ms, instance clock
            function_end_ms      REAL,                 -- epoch ms, instance clock
            function_duration_ms REAL,
            init_duration_ms     REAL,                 -- platform-reported init phase
            is_cold              INTEGER CHECK (is_cold IN (0, 1)),   -- NULL = unknown
            cold_rule_id         INTEGER NOT NULL REFERENCES cold_rule(id),
            vm_uptime_s          REAL,                 -- host /proc/uptime, first field
            vm_idle_s            REAL,                 -- host /proc/uptime, second field
            ncpu                 INTEGER,
            cpu_model_id         INTEGER REFERENCES cpu_model(id),
            reported_version     TEXT,                 -- version the instance says it runs
            expected_version     TEXT,                 -- version the client expects (consistency runs)
            factorial_ms         REAL,                 -- factorial test duration
            status               TEXT NOT NULL CHECK (status IN ('ok', 'error')),
            error                TEXT,
            extra                TEXT                  -- JSON object of fields with no column
        );
        CREATE INDEX invocation_by_snapshot ON invocation (snapshot_id, function_id);
        CREATE INDEX invocation_by_instance ON invocation (instance_id, request_sent_ms);
        CREATE INDEX invocation_by_vm ON invocation (vm_id);

        CREATE TABLE cpu_sample (
            invocation_id INTEGER PRIMARY KEY REFERENCES invocation(id),
            timestamps    INTEGER NOT NULL,            -- timestamps the busy loop recorded
            distinct_ms   INTEGER NOT NULL,            -- distinct whole milliseconds among them
            first_ms      REAL NOT NULL,               -- epoch ms
            last_ms       REAL NOT NULL
        );

        CREATE TABLE io_sample (
            invocation_id   INTEGER NOT NULL REFERENCES invocation(id),
            round_no        INTEGER NOT NULL,          -- dd round, 1-based
            seconds         REAL NOT NULL,
            throughput_mb_s REAL NOT NULL,
            PRIMARY KEY (invocation_id, round_no)
        ) WITHOUT ROWID;

        CREATE TABLE net_sample (
            invocation_id INTEGER PRIMARY KEY REFERENCES invocation(id),
            bandwidth_bps REAL NOT NULL,               -- iperf bits per second
            rtt_mean_ms   REAL,
            rtt_min_ms    REAL,
            rtt_max_ms    REAL
        );

        CREATE TABLE metric (
            id          INTEGER PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),
            metric      TEXT NOT NULL,                 -- stable id, e.g. coldstart.latency_ms
            provider    TEXT,
            runtime     TEXT,
            memory_mb   INTEGER,
            setting     TEXT,
            statistic   TEXT NOT NULL,                 -- median, p99, max, fraction, ...
            value       REAL NOT NULL,
            unit        TEXT NOT NULL,
            n           INTEGER,
            ci_low      REAL,
            ci_high     REAL,
            source      TEXT
        );
        CREATE INDEX metric_by_snapshot ON metric (snapshot_id, metric);

        CREATE TABLE rejected_record (
            id             INTEGER PRIMARY KEY,
            snapshot_id    INTEGER NOT NULL REFERENCES snapshot(id),
            source_file_id INTEGER REFERENCES source_file(id),  -- NULL: the file itself was unusable
            path           TEXT NOT NULL,
            line           INTEGER,                             -- NULL: the whole file
            reason         TEXT NOT NULL,
            raw            TEXT                                 -- the record, truncated to 200 bytes
        );
        CREATE INDEX rejected_by_file ON rejected_record (source_file_id);

        \(invocationView(functions: "f.runtime, f.memory_mb, f.version"))
        """
}
