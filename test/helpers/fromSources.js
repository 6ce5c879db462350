// The unit tests run the TypeScript sources (through ts-jest), so the tooling library reads the
// senders from nodes/ instead of the build (scripts/lib/registry.js).
process.env.CRM_TRIGGERS_FROM_SOURCES = 'true';
