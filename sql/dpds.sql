-- DPDS data product descriptors through mesh_register: the mapping of info and of the
-- interface and internal components, $ref (external refused, internal followed), errors
-- that point into the descriptor, versions, default_domain, unchanged on re-register.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_dpds_owner NOLOGIN;
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: transport_management
owner: regress_dpds_owner
---
apiVersion: meshcat/v1
kind: Domain
name: tms
owner: regress_dpds_owner
$$);
-- An upstream product, registered from DPDS, whose output port another one names.
SELECT * FROM mesh_register($${
  "dataProductDescriptor": "1.0.0",
  "info": {"fullyQualifiedName": "urn:dpds:com.company-xyz:dataproducts:tmsTrips:1", "name": "tmsTrips",
           "version": "2.0.0", "domain": "tms", "owner": {"id": "tms.team@company-xyz.com"}},
  "interfaceComponents": {"outputPorts": [{"name": "trips", "version": "1.0.0", "promises": {"servicesType": "datastore-services"}}]}
}$$);

-- A whole descriptor: every part meshcat maps.
\set dpd '{\n  "dataProductDescriptor": "1.0.0",\n  "x-team-size": 4,\n  "info": {\n    "fullyQualifiedName": "urn:dpds:com.company-xyz:dataproducts:tripExecution:1",\n    "name": "tripExecution",\n    "displayName": "Trip Execution",\n    "version": "v1.2.3",\n    "domain": "Transport Management",\n    "description": "Trips operated in the last 12 months",\n    "owner": {"id": "john.doe@company-xyz.com", "name": "John Doe"},\n    "contactPoints": [{"name": "Support mail", "channel": "email", "address": "trip-support@company-xyz.com"}, {"name": "Issue tracker", "channel": "web"}]\n  },\n  "tags": ["trips", "transport"],\n  "externalDocs": {"description": "Wiki", "mediaType": "text/html", "$href": "https://wiki.company-xyz.com/trips"},\n  "interfaceComponents": {\n    "inputPorts": [\n      {"fullyQualifiedName": "urn:dpds:com.company-xyz:dataproducts:tmsTrips:1:outputports:trips", "name": "tmsInput", "version": "1.0.0", "description": "Trips from the TMS"},\n      {"name": "weather", "fullyQualifiedName": "urn:ext:weather-feed", "version": "1.0.0"}\n    ],\n    "outputPorts": [\n      {"name": "tripStatus", "version": "1.2.0", "displayName": "Trip status", "description": "The last known status of each trip",\n       "promises": {"platform": "westeurope.azure:postgres", "servicesType": "datastore-services", "api": {"specification": "datastoreapi", "definition": {"tables": []}},\n                    "slo": {"description": "99.9% availability"}},\n       "expectations": {"audience": {"description": "operations"}},\n       "obligations": {"termsAndConditions": {"description": "internal use only"}}},\n      {"name": "tripEvents", "version": "1.2.0", "promises": {"servicesType": "streaming-services"}},\n      {"name": "tripApi", "version": "1.0.0", "promises": {"servicesType": "rest-services"}},\n      {"$ref": "#/components/outputPorts/tripArchive"}\n    ],\n    "discoveryPorts": [{"name": "catalog", "version": "1.0.0"}],\n    "observabilityPorts": [{"name": "health", "version": "1.0.0", "promises": {"servicesType": "rest-services"}}],\n    "controlPorts": [{"name": "admin", "version": "1.0.0"}]\n  },\n  "internalComponents": {\n    "applicationComponents": [{"name": "cdcIngestion", "version": "1.0.1", "platform": "westeurope.azure:debezium"}],\n    "infrastructuralComponents": [{"name": "eventStore", "version": "1.0.0", "infrastructureType": "streaming-resource"}]\n  },\n  "components": {"outputPorts": {"tripArchive": {"name": "tripArchive", "version": "1.0.0", "promises": {"servicesType": "file-services"}}}}\n}'
SELECT * FROM mesh_register(:'dpd');
SELECT product_id, version_text, status, name, description, documentation, tags, owners, external_id, document_format
  FROM mesh_versions WHERE product_id = 'transport_management.tripexecution';
-- Output ports by their promised services type; input ports: the product whose output port
-- the fully qualified name names, else a source.
SELECT direction, name, kind, input_product, source FROM mesh_ports
 WHERE product_id = 'transport_management.tripexecution' ORDER BY direction, position;
SELECT kind, upstream, downstream FROM mesh_lineage WHERE downstream_product = 'transport_management.tripexecution' ORDER BY 1, 2, 3;
-- Promises, expectations and obligations stay with their port, the other ports and the
-- internal components in custom.dpds.
SELECT jsonb_pretty(descriptor -> 'outputs' -> 0) FROM product_version WHERE product_id = 'transport_management.tripexecution';
SELECT jsonb_pretty(descriptor -> 'custom') FROM product_version WHERE product_id = 'transport_management.tripexecution';
-- The same file again is unchanged; a change of metadata only in the document is updated.
SELECT * FROM mesh_register(:'dpd');
SELECT action FROM mesh_register(replace(:'dpd', '"John Doe"', '"John A. Doe"'));

-- No name: the fully qualified name's product part; no domain (DPDS requires one):
-- meshcat.default_domain, as for the other standards; neither is refused.
SET meshcat.default_domain = 'tms';
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0",
  "info": {"fullyQualifiedName": "urn:dpds:com.company-xyz:dataproducts:tripLegs:1", "version": "1.0.0",
           "owner": {"id": "jane"}}, "interfaceComponents": {"outputPorts": []}}$$);
SET meshcat.default_domain = 'nowhere';
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "owner": {"id": "a"}}, "interfaceComponents": {}}$$);
RESET meshcat.default_domain;
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "owner": {"id": "a"}}, "interfaceComponents": {}}$$);

-- Errors point into the descriptor and name DPDS.
SELECT * FROM mesh_register($${"dataProductDescriptor": "0.9.0", "info": {}, "interfaceComponents": {}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "tms"}, "interfaceComponents": {}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0", "domain": "tms", "owner": {"id": "a"}}, "interfaceComponents": {}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "nowhere", "owner": {"id": "a"}}, "interfaceComponents": {}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"version": "1.0.0", "domain": "tms", "owner": {"id": "a"}}, "interfaceComponents": {}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "tms", "owner": {"id": "a"}},
  "interfaceComponents": {"outputPorts": [{"name": "a", "promises": {"servicesType": 42}}]}}$$);
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "tms", "owner": {"id": "a"}},
  "interfaceComponents": {"outputPorts": [{"name": "a"}, {"name": "a"}]}}$$);
-- External references are refused, each one named, and never fetched.
SELECT * FROM mesh_register($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "tms", "owner": {"id": "a"}},
  "interfaceComponents": {"inputPorts": [{"$ref": "ports/tms-iport.json"}],
                          "outputPorts": [{"name": "a", "promises": {"api": {"specification": "asyncapi", "definition": {"$ref": "https://example.com/api.json"}}}}]}}$$);
\echo :SQLSTATE
-- In a stream, with its line; mesh_validate reports the same, with the path.
SELECT * FROM mesh_register($$
apiVersion: meshcat/v1
kind: Domain
name: ops
owner: regress_dpds_owner
---
{"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "ops", "owner": {}}, "interfaceComponents": {}}
$$);
SELECT document, path, sqlstate FROM mesh_validate($${"dataProductDescriptor": "1.0.0", "info": {"name": "x", "version": "1.0.0", "domain": "tms", "owner": {"id": "a"}},
  "interfaceComponents": {"outputPorts": [{"$ref": "p.json"}]}}$$);
-- A fragment that is no whole document (a port file a descriptor refers to) says so.
SELECT * FROM mesh_register($${"name": "tmsInput", "version": "1.0.0"}$$);
-- A DPDS version exports as ODCS and ODPS like any other.
SELECT p ->> 'name' AS port, p ->> 'type' AS type, p ->> 'contractId' AS contract
  FROM jsonb_array_elements(mesh_yaml_to_jsonb(mesh_export('transport_management.tripexecution', NULL, 'odps')) -> 'outputPorts') AS p;
SELECT jsonb_array_length(mesh_yaml_to_jsonb(mesh_export('transport_management.tripexecution', NULL, 'odcs')) -> 'schema') AS schema_objects;

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
RESET client_min_messages;
DROP ROLE regress_dpds_owner;
CREATE EXTENSION meshcat;
