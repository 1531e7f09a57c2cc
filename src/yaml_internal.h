/*
 * yaml_internal.h
 *	  Declarations shared by yaml_parse.c and yaml_emit.c, the only files that
 *	  use libyaml.
 *
 * The emitter must quote exactly the strings that the parser would read back
 * as something else, so both use one resolver for plain scalars.
 */
#ifndef MESHCAT_YAML_INTERNAL_H
#define MESHCAT_YAML_INTERNAL_H

/* What a plain (unquoted, untagged) scalar means under YAML 1.2's core schema. */
typedef enum MeshYamlScalarKind
{
	MESH_YAML_NULL,				/* ~, null, Null, NULL, or empty */
	MESH_YAML_TRUE,				/* true, True, TRUE */
	MESH_YAML_FALSE,			/* false, False, FALSE */
	MESH_YAML_INT,				/* [-+]?[0-9]+ */
	MESH_YAML_OCT,				/* 0o[0-7]+ */
	MESH_YAML_HEX,				/* 0x[0-9a-fA-F]+ */
	MESH_YAML_FLOAT,			/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
	MESH_YAML_INF_NAN,			/* [-+]?.inf and .nan in their three spellings */
	MESH_YAML_STRING			/* anything else */
} MeshYamlScalarKind;

extern MeshYamlScalarKind MeshYamlClassifyPlain(const char *s, size_t len);

#endif							/* MESHCAT_YAML_INTERNAL_H */
