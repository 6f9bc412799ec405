-- A community's contact person (联系人), as an organisation has one: who a partner calls once the
-- two are partners. Nullable, and checked to the same lengths as actors' contact columns. Who may
-- see it is decided in one place, matchmaker/services/contacts.py; lists never carry it except to
-- coordinators and admins.
ALTER TABLE communities
    ADD COLUMN contact_name  text CHECK (char_length(contact_name) <= 100),
    ADD COLUMN contact_phone text CHECK (char_length(contact_phone) <= 50),
    ADD COLUMN contact_email text CHECK (char_length(contact_email) <= 200);
