-- The document as registered: kept with its version byte for byte, in its format, beside the
-- normalized descriptor (DECISIONS.md section 2).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS meshcat CASCADE;
CREATE EXTENSION meshcat;
RESET client_min_messages;
SET search_path = meshcat, meshcat_internal, public;
CREATE ROLE regress_doc_owner NOLOGIN;

-- A stream of three documents: each version keeps the lines that hold it, comments included;
-- put together, the documents are the stream.
\set stream '# the sales domain\napiVersion: meshcat/v1\nkind: Domain\nname: sales\nowner: regress_doc_owner\n---\n# orders, a comment kept\napiVersion: meshcat/v1\nkind: DataProduct\nid: sales.orders\nname: Orders\nversion: 1.0.0\n--- {apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 1.0.0}\n'
SELECT * FROM mesh_register(E:'stream');
SELECT product_id, document_format, document FROM product_version ORDER BY product_id;
SELECT string_agg(t, '') = E:'stream' AS stream_is_its_documents
  FROM unnest(stream_document_texts(E:'stream', ARRAY[1, 6, 13])) AS t;

-- The same document again: unchanged. Reformatted, with the same content: unchanged too (a
-- meshcat document is its descriptor), and the document first registered stays.
SELECT * FROM mesh_register(E'# orders, a comment kept\napiVersion: meshcat/v1\nkind: DataProduct\nid: sales.orders\nname: Orders\nversion: 1.0.0\n');
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.0}');
SELECT document FROM product_version WHERE product_id = 'sales.orders';
-- A change: updated, the new document kept, the old one in the audit trail.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.0, description: Every order}');
SELECT document FROM product_version WHERE product_id = 'sales.orders';
SELECT old_row ->> 'document' AS before, new_row ->> 'document' AS after
  FROM mesh_audit WHERE table_name = 'product_version' AND operation = 'UPDATE' ORDER BY id DESC LIMIT 1;

-- A published version's document changes with a metadata fix.
SELECT * FROM mesh_register('{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.0, description: Every order, status: published}');
SELECT * FROM mesh_register(E'{apiVersion: meshcat/v1, kind: DataProduct, id: sales.orders, name: Orders, version: 1.0.0,\n description: Every order placed, status: published}');
SELECT status, document FROM product_version WHERE product_id = 'sales.orders';

-- The kept document says what the descriptor says, whoever writes the row: a plain UPDATE of
-- the document to one that converts to the descriptor is taken, one that says something else
-- is refused; a plain UPDATE of the descriptor leaves a document that no longer converts, and
-- drops it (the descriptor is then the document; the audit trail keeps the old one).
UPDATE product_version SET document = document || E'\n# reviewed\n' WHERE product_id = 'sales.orders';
SELECT document FROM product_version WHERE product_id = 'sales.orders';
UPDATE product_version SET document = replace(document, 'Every order placed', 'Something else') WHERE product_id = 'sales.orders';
UPDATE product_version SET document_format = 'odcs' WHERE product_id = 'sales.orders';
UPDATE product_version SET descriptor = descriptor || '{"description": "Every order, placed"}' WHERE product_id = 'sales.orders';
SELECT document IS NULL AS no_document, document_format, description FROM product_version WHERE product_id = 'sales.orders';
SELECT old_row ->> 'document' IS NOT NULL AS audit_keeps_it FROM mesh_audit
 WHERE table_name = 'product_version' AND operation = 'UPDATE' ORDER BY id DESC LIMIT 1;

-- A plain INSERT of a descriptor: no document; the descriptor is the document.
INSERT INTO product_version (product_id, version, name, descriptor)
VALUES ('sales.refunds', '2.0.0', 'Refunds', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "2.0.0"}');
-- With a document, it must convert to the descriptor.
INSERT INTO product_version (product_id, version, name, descriptor, document)
VALUES ('sales.refunds', '2.1.0', 'Refunds', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "2.1.0"}',
        '{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunds, version: 2.1.0}');
INSERT INTO product_version (product_id, version, name, descriptor, document)
VALUES ('sales.refunds', '2.2.0', 'Refunds', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "2.2.0"}',
        '{apiVersion: meshcat/v1, kind: DataProduct, id: sales.refunds, name: Refunded, version: 2.2.0}');
SELECT version, document_format, document IS NULL AS no_document FROM product_version WHERE product_id = 'sales.refunds' ORDER BY version;
-- A standard's document must be kept (terse: the failing row holds timestamps).
\set VERBOSITY terse
INSERT INTO product_version (product_id, version, name, descriptor, document_format)
VALUES ('sales.refunds', '3.0.0', 'Refunds', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "3.0.0"}', 'odcs');
INSERT INTO product_version (product_id, version, name, descriptor, document, document_format)
VALUES ('sales.refunds', '3.0.0', 'Refunds', '{"apiVersion": "meshcat/v1", "kind": "DataProduct", "id": "sales.refunds", "name": "Refunds", "version": "3.0.0"}', 'x', 'yaml');
\set VERBOSITY default

SET client_min_messages = warning;
DROP EXTENSION meshcat CASCADE;
DROP ROLE regress_doc_owner;
