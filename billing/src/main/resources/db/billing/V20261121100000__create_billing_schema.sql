-- The billing schema starts empty; the usage ledger and price books arrive with the metering feature.
COMMENT ON SCHEMA billing IS 'Duplex billing: usage ledger, price books, invoices';
