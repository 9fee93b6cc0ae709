-- The contact persons of a business: links from a business record to person
-- records, each with a role ("Director"). The kind columns let foreign keys
-- check in the schema that one side is a business and the other a person.

CREATE TABLE {tenant}.customer_contacts (
    business_id bigint NOT NULL,
    business_kind text NOT NULL DEFAULT 'business',
    person_id bigint NOT NULL,
    person_kind text NOT NULL DEFAULT 'person',
    role text,
    position smallint NOT NULL,
    PRIMARY KEY (business_id, person_id),
    CONSTRAINT customer_contacts_business_fkey FOREIGN KEY (business_id, business_kind)
        REFERENCES {tenant}.customers (id, kind),
    CONSTRAINT customer_contacts_person_fkey FOREIGN KEY (person_id, person_kind)
        REFERENCES {tenant}.customers (id, kind),
    CONSTRAINT customer_contacts_business_kind CHECK (business_kind = 'business'),
    CONSTRAINT customer_contacts_person_kind CHECK (person_kind = 'person'),
    CONSTRAINT customer_contacts_role_length CHECK (char_length(role) BETWEEN 1 AND 80),
    CONSTRAINT customer_contacts_position_range CHECK (position BETWEEN 0 AND 49)
);
CREATE INDEX customer_contacts_person_id ON {tenant}.customer_contacts (person_id);

GRANT SELECT, INSERT, DELETE ON {tenant}.customer_contacts TO {app_role};
