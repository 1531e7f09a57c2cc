# json_schema.sh: the JSON Schema validator the conformance scripts share (odcs_examples.sh,
# standards_examples.sh): ajv (JSON Schema draft 2019-09, as the ODCS and ODPS schemas say) with
# ajv-formats, installed from npm into a directory of the caller's. Source it, then
#   json_schema_setup NAME DIR     installs it in DIR (NAME prefixes its messages); exits 1 without
#                                  node and npm, or when npm cannot install it
#   json_schema_validate DIR SCHEMA FILE...
#                                  validates each FILE (one JSON document) against SCHEMA, prints
#                                  the problems of each invalid one; status 1 if any is.
json_schema_setup() {
    local name=$1 dir=$2
    if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
        echo "$name: node and npm are needed for the JSON Schema validator"
        exit 1
    fi
    if ! npm install --prefix "$dir/ajv" --no-audit --no-fund --loglevel=error ajv@8 ajv-formats@3 >"$dir/npm.log" 2>&1; then
        echo "$name: could not install ajv from npm:"; sed 's/^/    /' "$dir/npm.log" | tail -5
        exit 1
    fi
    cat > "$dir/validate.js" <<'JS'
const [schemaFile, ...files] = process.argv.slice(2);
const Ajv2019 = require(process.env.AJV_DIR + '/node_modules/ajv/dist/2019').default;
const addFormats = require(process.env.AJV_DIR + '/node_modules/ajv-formats');
const fs = require('fs');
const ajv = new Ajv2019({strict: false, allErrors: true});
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
let invalid = 0;
for (const f of files) {
    if (!validate(JSON.parse(fs.readFileSync(f, 'utf8')))) {
        invalid++;
        console.log('INVALID ' + f + ': ' + JSON.stringify(validate.errors.slice(0, 3)));
    }
}
console.log(files.length + ' exports validated, ' + invalid + ' invalid');
process.exit(invalid ? 1 : 0);
JS
}

json_schema_validate() {
    local dir=$1; shift
    AJV_DIR="$dir/ajv" node "$dir/validate.js" "$@"
}
