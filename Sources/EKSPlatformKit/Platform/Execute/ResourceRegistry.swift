import EKSAWS
import EKSKubernetes

/// Physical ids of the platform's resources, filled from the observation and by each create step, so a step can
/// find what its dependencies created (the subnet step needs the VPC id).
package actor ResourceRegistry {
    private var ids: [ResourceID: String]

    /// Creates a registry with the ids an observation found.
    package init(observed: ObservedState? = nil) {
        var ids: [ResourceID: String] = [:]
        for resource in observed?.resources ?? [] { ids[resource.id] = resource.physicalID }
        self.ids = ids
    }

    /// Records the physical id of `id`.
    package func record(_ id: ResourceID, physicalID: String) { ids[id] = physicalID }

    /// Forgets `id` (after deletion).
    package func forget(_ id: ResourceID) { ids[id] = nil }

    /// The physical id of `id`, if known.
    package func physicalID(_ id: ResourceID) -> String? { ids[id] }

    /// The physical id of `id`.
    /// - Throws: ``MissingDependencyError`` when it is not known (a dependency was neither observed nor created).
    package func require(_ id: ResourceID) throws -> String {
        guard let value = ids[id] else { throw MissingDependencyError(resource: id) }
        return value
    }
}

/// A step needed the physical id of a resource that was neither observed nor created.
package struct MissingDependencyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The missing resource.
    package var resource: ResourceID

    /// What is missing and what to do.
    package var description: String {
        "\(resource) is neither observed nor created in this run; plan again to see why"
    }
}
