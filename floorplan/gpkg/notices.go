package gpkg

// sqlMigrateV19 is the schema part of version 19: the in-app notices (notices.go). Placeholder until written.
const sqlMigrateV19 = `SELECT 1;`
