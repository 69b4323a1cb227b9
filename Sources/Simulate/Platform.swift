import Foundation

/// A function as the tenant deploys it.
final class SimFunction {
    let account: String
    let name: String
    let runtime: String
    let memoryMB: Int
    /// Set when the tenant invokes the function at a steady interval (the lifetime experiment): some
    /// profiles give its instances other lifetimes.
    var requestIntervalS: Double?
    /// The function's median cold start when it is not its runtime's (the hourly function).
    var coldMedianMs: Double?
    /// Current version; `update(at:)` bumps it.
    private(set) var version = 1
    private(set) var updatedAtMs: Double?

    init(account: String, name: String, runtime: String, memoryMB: Int) {
        self.account = account
        self.name = name
        self.runtime = runtime
        self.memoryMB = memoryMB
    }

    func update(atMs time: Double) {
        version += 1
        updatedAtMs = time
    }
}

/// A discrete-event model of a FaaS platform seen from the tenant's side: host VMs, function
/// instances on them, and the policies of a `Profile` (placement, scaling, cold-start latency,
/// lifetime, idle recycling, update consistency). Experiments drive it with batches of requests in
/// time order; it answers which instance served each request and when.
final class Platform {
    struct VM {
        let key: String?  // what the probe sees; nil where the provider hides it
        let owner: String?  // binpack: the account whose instances it hosts
        let type: Profile.VMType
        let bootTimeS: Double
        let privateIP: String
        let publicIP: String
        var alive: [Int] = []  // instance indices
        var usedMB = 0
        var accounts: Set<String> = []
        var everUsed = false
        /// When the VM retires (the profile's `max_uptime_s`), epoch ms; nil: never.
        let retiresAtMs: Double?
        var retired = false
    }

    struct Instance {
        let id: String
        let function: SimFunction
        let version: Int
        let vm: Int
        let createdMs: Double
        let lifetimeEndMs: Double
        let privateIP: String
        let procfsID: String
        var busyUntilMs: Double
        var lastEndMs: Double
        var endedMs: Double?
        var requests = 0
        /// A stale (old-version) instance serves one request, then ends.
        var stale = false
    }

    /// One served request.
    struct Served {
        var instance: Int
        var cold: Bool
        var sentMs: Double
        var startMs: Double
        var endMs: Double
        var receivedMs: Double
        /// Instances started together with this one on its VM (cold starts only).
        var colevel: Int
        var newVM: Bool
        var version: Int
    }

    let profile: Profile
    var random: SeededRandom
    private(set) var vms: [VM] = []
    private(set) var instances: [Instance] = []
    private var recycledThroughMs: Double
    private var aliveByFunction: [ObjectIdentifier: [Int]] = [:]
    /// Whether cold-start latency follows the profile's day/night swing (the hourly experiment).
    var diurnalSwing = false
    /// The most memory the instances on one VM held at once.
    private(set) var peakVMMemoryMB = 0

    init(profile: Profile, seed: UInt64) {
        self.profile = profile
        random = SeededRandom(seed: seed)
        recycledThroughMs = profile.startTime * 1000
    }

    var startMs: Double { profile.startTime * 1000 }

    // MARK: Serving

    /// Serves `count` concurrent requests to `function`, sent at `timeMs` (each within a few ms).
    /// `executionMs` overrides the profile's function execution time.
    func batch(
        _ function: SimFunction, count: Int, atMs timeMs: Double, executionMs: ClosedRange<Double>? = nil
    ) -> [Served] {
        advance(toMs: timeMs)
        let execution = executionMs ?? profile.latency.executionMs.range
        var sent = (0..<count).map { _ in timeMs + random.uniform(0...2) }
        sent.sort()

        // Which requests an old-version instance serves (update consistency).
        let staleFlags = sent.map { isStale(function, sentMs: $0) }

        var idle = aliveInstances(of: function).filter { instances[$0].busyUntilMs <= timeMs }
        idle.sort { instances[$0].lastEndMs > instances[$1].lastEndMs }  // most recently used first
        var current = idle.filter { instances[$0].version == function.version }
        var old = idle.filter { instances[$0].version < function.version }

        var plan: [(request: Int, instance: Int, staleVersion: Bool)] = []
        var coldRequests: [(request: Int, version: Int)] = []
        for request in 0..<count {
            if staleFlags[request] {
                if !random.chance(profile.consistency.newInstanceShare), let reused = old.first {
                    old.removeFirst()
                    plan.append((request, reused, true))
                } else {
                    coldRequests.append((request, function.version - 1))
                }
            } else if let warm = current.first {
                current.removeFirst()
                plan.append((request, warm, false))
            } else {
                coldRequests.append((request, function.version))
            }
        }

        // Scaling: how many of the missing instances start; the other requests queue.
        var starting = coldRequests.count
        if let threshold = profile.scaling.queueFromConcurrency, count >= threshold,
            let fraction = profile.scaling.startFraction
        {
            starting = min(starting, Int((Double(starting) * fraction).rounded(.up)))
        }
        if let cap = profile.scaling.maxInstances {
            // Old-version instances are being drained and do not count; at least one instance serves.
            let current = aliveInstances(of: function).filter { instances[$0].version == function.version }.count
            starting = min(starting, max(cap - current, current == 0 ? 1 : 0))
        }
        let queued = coldRequests[starting...].map(\.request)

        var served = [Served?](repeating: nil, count: count)
        var newInstances: [(request: Int, instance: Int)] = []
        var placedOn: [Int: Int] = [:]  // VM -> instances started on it in this batch
        var vmIsNew: [Int: Bool] = [:]
        for (request, version) in coldRequests[..<starting] {
            let vm = place(function)
            if vmIsNew[vm] == nil { vmIsNew[vm] = !vms[vm].everUsed }
            placedOn[vm, default: 0] += 1
            let index = startInstance(function, version: version, vm: vm, atMs: sent[request])
            if version < function.version { instances[index].stale = true }
            newInstances.append((request, index))
        }
        for (request, index) in newInstances {
            let vm = instances[index].vm
            let colevel = placedOn[vm]!
            var latency = random.logNormal(
                median: (function.coldMedianMs
                    ?? profile.coldMedianMs(runtime: function.runtime, memoryMB: function.memoryMB))
                    * diurnal(sent[request]),
                sigma: profile.latency.coldSigma)
            latency += profile.latency.colevelPenaltyMs * Double(colevel - 1)
            if vmIsNew[vm]! { latency += profile.latency.newVmExtraMs }
            served[request] = serve(
                index, sentMs: sent[request], latencyMs: latency, execution: execution, cold: true,
                colevel: colevel, newVM: vmIsNew[vm]!)
        }
        for vm in placedOn.keys { vms[vm].everUsed = true }
        for (request, index, staleVersion) in plan {
            served[request] = serve(
                index, sentMs: sent[request], latencyMs: warmLatency(), execution: execution,
                cold: false, colevel: 0, newVM: false)
            if staleVersion { end(index, atMs: instances[index].busyUntilMs) }
        }
        // Queued requests wait for the instances that serve this batch (else the function's busy
        // ones), in turn.
        var servers = served.compactMap { $0?.instance }.filter { !instances[$0].stale && instances[$0].endedMs == nil }
        if servers.isEmpty {
            servers = aliveInstances(of: function).filter { instances[$0].version == function.version }
        }
        for (position, request) in queued.enumerated() where !servers.isEmpty {
            let index = servers[position % servers.count]
            let arrival = max(sent[request], instances[index].busyUntilMs)
            served[request] = serve(
                index, sentMs: sent[request], latencyMs: arrival - sent[request] + warmLatency(),
                execution: execution, cold: false, colevel: 0, newVM: false)
        }
        for (_, index) in newInstances where instances[index].stale { end(index, atMs: instances[index].busyUntilMs) }
        return served.compactMap { $0 }
    }

    private func serve(
        _ index: Int, sentMs: Double, latencyMs: Double, execution: ClosedRange<Double>, cold: Bool, colevel: Int,
        newVM: Bool
    ) -> Served {
        let start = sentMs + latencyMs
        let end = start + random.uniform(execution)
        let received = end + random.uniform(profile.latency.networkOneWayMs.range)
        instances[index].busyUntilMs = end
        instances[index].lastEndMs = end
        instances[index].requests += 1
        return Served(
            instance: index, cold: cold, sentMs: sentMs, startMs: start, endMs: end, receivedMs: received,
            colevel: colevel, newVM: newVM, version: instances[index].version)
    }

    private func warmLatency() -> Double {
        random.logNormal(median: profile.latency.warmMedianMs, sigma: profile.latency.warmSigma)
    }

    /// Day/night swing of cold-start latency, when enabled: +amplitude at 18:00 UTC, -amplitude at 06:00.
    func diurnal(_ timeMs: Double) -> Double {
        guard diurnalSwing else { return 1 }
        let hour = (timeMs / 3_600_000).truncatingRemainder(dividingBy: 24)
        return 1 + profile.latency.diurnalAmplitude * sin((hour - 12) / 24 * 2 * Double.pi)
    }

    private func isStale(_ function: SimFunction, sentMs: Double) -> Bool {
        guard let updated = function.updatedAtMs else { return false }
        let delay = (sentMs - updated) / 1000
        let window = profile.consistency.windowS
        guard delay < window else { return false }
        return random.chance(profile.consistency.staleProbabilityAtZero * (1 - max(0, delay) / window))
    }

    func aliveInstances(of function: SimFunction) -> [Int] {
        aliveByFunction[ObjectIdentifier(function), default: []]
    }

    // MARK: Placement

    /// The VM for a new instance of `function`.
    private func place(_ function: SimFunction) -> Int {
        let memory = function.memoryMB
        switch profile.placement.policy {
        case .binpack:
            // The fullest of the account's VMs that still has room.
            let candidates = vms.indices.filter {
                vms[$0].owner == function.account && !vms[$0].retired
                    && vms[$0].usedMB + memory <= profile.vm.usableMemoryMb
            }
            return candidates.max { vms[$0].usedMB < vms[$1].usedMB } ?? bootVM(owner: function.account)
        case .spread:
            let limit = profile.placement.maxInstancesPerVm ?? Int.max
            let roomy = vms.indices.filter {
                !vms[$0].retired && vms[$0].alive.count < limit && vms[$0].usedMB + memory <= profile.vm.usableMemoryMb
            }
            let shared = roomy.filter { !vms[$0].accounts.isEmpty && !vms[$0].accounts.contains(function.account) }
            let own = roomy.filter { vms[$0].accounts.contains(function.account) }
            if !shared.isEmpty, random.chance(profile.placement.crossAccountProbability ?? 0) {
                return shared[random.index(shared.count)]
            }
            return own.first ?? bootVM(owner: nil)
        }
    }

    private func bootVM(owner: String?) -> Int {
        let totalWeight = profile.vm.types.reduce(0) { $0 + $1.weight }
        var pick = random.unit() * totalWeight
        var type = profile.vm.types[0]
        for candidate in profile.vm.types {
            pick -= candidate.weight
            if pick < 0 {
                type = candidate
                break
            }
        }
        let index = vms.count
        let key: String? =
            profile.vm.identity
            ? (profile.provider == .azure ? random.hex(64) : "sandbox-root-" + random.hex(6)) : nil
        let uptime = random.uniform(profile.vm.poolUptimeS.range)
        let bootTimeS = recycledThroughMs / 1000 - uptime
        vms.append(
            VM(
                key: key, owner: owner, type: type, bootTimeS: bootTimeS,
                privateIP: "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)",
                publicIP: "54.\(160 + index / 65536 % 64).\(index / 256 % 256).\(index % 256)",
                retiresAtMs: profile.vm.maxUptimeS.map { (bootTimeS + $0) * 1000 }))
        return index
    }

    private func startInstance(_ function: SimFunction, version: Int, vm: Int, atMs time: Double) -> Int {
        let index = instances.count
        let drawn = profile.lifetime.distribution(memoryMB: function.memoryMB, intervalS: function.requestIntervalS)
        let lifetime = min(
            random.logNormal(median: drawn.medianMinutes, sigma: drawn.sigma), profile.lifetime.maxMinutes)
        instances.append(
            Instance(
                id: random.uuid(), function: function, version: version, vm: vm, createdMs: time,
                lifetimeEndMs: time + lifetime * 60_000,
                privateIP: "172.16.\(index / 256 % 256).\(index % 256)", procfsID: "sandbox-" + random.hex(6),
                busyUntilMs: time, lastEndMs: time))
        vms[vm].alive.append(index)
        vms[vm].usedMB += function.memoryMB
        peakVMMemoryMB = max(peakVMMemoryMB, vms[vm].usedMB)
        aliveByFunction[ObjectIdentifier(function), default: []].append(index)
        vms[vm].accounts.insert(function.account)
        return index
    }

    private func end(_ index: Int, atMs time: Double) {
        guard instances[index].endedMs == nil else { return }
        instances[index].endedMs = time
        let vm = instances[index].vm
        vms[vm].alive.removeAll { $0 == index }
        vms[vm].usedMB -= instances[index].function.memoryMB
        aliveByFunction[ObjectIdentifier(instances[index].function)]?.removeAll { $0 == index }
    }

    // MARK: Lifetime and idle recycling

    /// Moves the platform's clock: ends the instances that the lifetime limit, idle recycling or VM
    /// retirement end before `timeMs`.
    func advance(toMs timeMs: Double) {
        let period = profile.idle.periodS * 1000
        var tick = (recycledThroughMs / period).rounded(.down) * period + period
        while tick <= timeMs {
            recycleTick(atMs: tick)
            tick += period
        }
        recycledThroughMs = max(recycledThroughMs, timeMs)
        for vm in vms.indices {
            for index in vms[vm].alive {
                let instance = instances[index]
                if instance.lifetimeEndMs <= timeMs {
                    end(index, atMs: max(instance.lifetimeEndMs, instance.busyUntilMs))
                } else if instance.busyUntilMs <= timeMs,
                    timeMs - instance.lastEndMs >= idleLimitMs(index, atMs: timeMs)
                {
                    end(index, atMs: instance.lastEndMs + idleLimitMs(index, atMs: timeMs))
                }
            }
            // A retired VM ends the instances still on it.
            if !vms[vm].retired, let retiresAt = vms[vm].retiresAtMs, retiresAt <= timeMs {
                for index in vms[vm].alive { end(index, atMs: max(retiresAt, instances[index].busyUntilMs)) }
                vms[vm].retired = true
            }
        }
    }

    /// Whether another instance on the instance's VM was active within the grace period before `time`.
    private func vmIsBusy(around index: Int, atMs time: Double) -> Bool {
        let grace = profile.idle.graceS * 1000
        return vms[instances[index].vm].alive.contains { other in
            other != index && instances[other].createdMs <= time && instances[other].lastEndMs >= time - grace
        }
    }

    private func idleLimitMs(_ index: Int, atMs time: Double) -> Double {
        (vmIsBusy(around: index, atMs: time) ? profile.idle.busyVmMaxIdleS : profile.idle.maxIdleS) * 1000
    }

    private func recycleTick(atMs tick: Double) {
        let grace = profile.idle.graceS * 1000
        for vm in vms.indices {
            for index in vms[vm].alive {
                let instance = instances[index]
                if instance.lifetimeEndMs <= tick {
                    end(index, atMs: max(instance.lifetimeEndMs, instance.busyUntilMs))
                    continue
                }
                let idle = tick - instance.lastEndMs
                guard instance.busyUntilMs <= tick, idle >= grace else { continue }
                let busyVM = vmIsBusy(around: index, atMs: tick)
                let limit = idleLimitMs(index, atMs: tick)
                if idle >= limit {
                    end(index, atMs: instance.lastEndMs + limit)
                } else if random.chance(busyVM ? profile.idle.endProbability / 8 : profile.idle.endProbability) {
                    end(index, atMs: tick)
                }
            }
        }
    }
}
